"""Leads (招商线索), their stage history, activities and duplicate flags."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianzhang.core.models import ChangeLoggedModel, PrimaryModel, Scope

from ..choices import ActivityKind, FlagStatus, GapKind, LeadSource, LeadStage

__all__ = ["Lead", "LeadStageChange", "LeadActivity", "DuplicateFlag"]


def _money(label: Any, help_text: Any = "") -> models.DecimalField:
    return models.DecimalField(label, max_digits=16, decimal_places=2, null=True, blank=True,
                               validators=[MinValueValidator(0)], help_text=help_text)


class Lead(PrimaryModel):
    """An investment lead: an investor (a registry firm), the gap it would fill, the
    project's figures and where it stands. Stages change only through
    `services.leads.move` (which logs and checks each change)."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT,
                                   related_name="leads", verbose_name=_("investor"))
    chain = models.ForeignKey("chains.Chain", on_delete=models.PROTECT, related_name="leads",
                              verbose_name=_("chain"))
    node = models.ForeignKey("chains.ChainNode", on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="leads", verbose_name=_("gap node"))
    extra_nodes = models.ManyToManyField("chains.ChainNode", blank=True, related_name="+",
                                         verbose_name=_("further target nodes"))
    gap_kind = models.CharField(_("gap"), max_length=10, choices=GapKind.choices,
                                default=GapKind.MISSING)
    summary = models.TextField(_("project summary"))
    total_investment = _money(_("total investment (10k yuan)"))
    fixed_investment = _money(_("fixed-asset investment (10k yuan)"))
    land_mu = _money(_("land (mu)"))
    energy = models.CharField(_("energy needs"), max_length=200, blank=True,
                              help_text=_("e.g. 年用电 500万千瓦时"))
    expected_output = _money(_("expected annual output (10k yuan)"))
    expected_tax = _money(_("expected annual tax (10k yuan)"))
    site_requirements = models.TextField(_("site requirements"), blank=True)
    coordination = models.TextField(_("coordination needed"), blank=True)
    source = models.CharField(_("source"), max_length=20, choices=LeadSource.choices,
                              default=LeadSource.RECOMMENDATION)
    referrer = models.CharField(_("referrer"), max_length=200, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="attraction_leads",
                              verbose_name=_("owner"))
    town = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="leads",
                             verbose_name=_("town"))
    recommendation = models.ForeignKey("attraction.Recommendation", on_delete=models.SET_NULL,
                                       null=True, blank=True, related_name="leads",
                                       verbose_name=_("recommendation"))
    stage = models.CharField(_("stage"), max_length=20, choices=LeadStage.choices,
                             default=LeadStage.LEAD, db_index=True)
    stage_reason = models.CharField(_("reason of the last stage change"), max_length=300,
                                    blank=True)
    stage_changed_at = models.DateTimeField(_("stage changed at"), null=True, blank=True)
    first_contact_on = models.DateField(_("first contact"), null=True, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    last_activity_on = models.DateField(_("last activity"), null=True, blank=True)
    # The lead → project link lives here so the projects app needs no change:
    # `project.lead` is the reverse side.
    project = models.OneToOneField("projects.Project", on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="lead", verbose_name=_("project"))

    scope = Scope(town="town", chain="chain")

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["enterprise", "node"])]
        verbose_name = _("lead")
        verbose_name_plural = _("leads")

    def __str__(self) -> str:
        target = self.node.name if self.node_id else self.summary[:30]
        return f"{self.enterprise} · {target}"

    @property
    def investor(self) -> Any:
        """The investing firm (the form and exports call it the investor)."""
        return self.enterprise

    @property
    def stage_options(self) -> list[tuple[str, str]]:
        """Stages for the move form of the lead page."""
        return [(v, str(label)) for v, label in LeadStage.choices if v != self.stage]

    @property
    def activity_kinds(self) -> list[tuple[str, str]]:
        """Activity kinds for the lead page."""
        return [(v, str(label)) for v, label in ActivityKind.choices]

    @property
    def is_open(self) -> bool:
        """Still being worked (deadlines apply)."""
        from ..choices import OPEN_STAGES

        return self.stage in OPEN_STAGES

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save, then flag the same investor on the same node in another town to the
        secretariat (never silently kept twice)."""
        super().save(*args, **kwargs)
        from ..services.duplicates import flag_duplicates

        flag_duplicates(self)


class LeadStageChange(ChangeLoggedModel):
    """One stage change of a lead: from, to, when, who and why (a reason is required
    for 搁置/放弃 and for moving backwards)."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="stage_changes",
                             verbose_name=_("lead"))
    from_stage = models.CharField(_("from stage"), max_length=20, choices=LeadStage.choices,
                                  blank=True)
    to_stage = models.CharField(_("to stage"), max_length=20, choices=LeadStage.choices)
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+", verbose_name=_("user"))

    scope = Scope(town="lead__town", chain="lead__chain")

    class Meta:
        ordering = ["lead", "date", "pk"]
        verbose_name = _("lead stage change")
        verbose_name_plural = _("lead stage changes")

    def __str__(self) -> str:
        return f"{self.lead}: {self.get_from_stage_display()} → {self.get_to_stage_display()}"


class LeadActivity(ChangeLoggedModel):
    """A visit, call or meeting with the investor (follow-up deadlines count from the
    latest one)."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="activities",
                             verbose_name=_("lead"))
    kind = models.CharField(_("kind"), max_length=10, choices=ActivityKind.choices)
    date = models.DateField(_("date"))
    notes = models.TextField(_("notes"), blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+", verbose_name=_("recorded by"))

    scope = Scope(town="lead__town", chain="lead__chain")

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("lead activity")
        verbose_name_plural = _("lead activities")

    def __str__(self) -> str:
        return f"{self.lead} · {self.get_kind_display()} {self.date}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Keep the lead's last-activity date (follow-up deadline) up to date."""
        super().save(*args, **kwargs)
        lead = self.lead
        if lead.last_activity_on is None or self.date > lead.last_activity_on:
            lead.last_activity_on = self.date
            lead.save()


class DuplicateFlag(ChangeLoggedModel):
    """Two leads of different towns on the same investor and node: the secretariat
    decides (keep both, or drop one). Towns do not see flags (they would learn of the
    other town's lead)."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="duplicate_flags",
                             verbose_name=_("lead"))
    other = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("other lead"))
    status = models.CharField(_("status"), max_length=10, choices=FlagStatus.choices,
                              default=FlagStatus.OPEN, db_index=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("decided by"))

    scope = Scope(chain="lead__chain")

    class Meta:
        ordering = ["status", "-created"]
        constraints = [models.UniqueConstraint(fields=["lead", "other"],
                                               name="unique_duplicate_flag")]
        verbose_name = _("duplicate lead flag")
        verbose_name_plural = _("duplicate lead flags")

    def __str__(self) -> str:
        return f"{self.lead} ⇄ {self.other}"
