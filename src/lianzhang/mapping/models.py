"""挂链: links from firms to chain nodes, the runs that propose them, and the record
fingerprints that make re-runs incremental."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianzhang.core.jobs import labelled_items
from lianzhang.core.models import ChangeLoggedModel, Scope

from .choices import RUN_STAT_LABELS, LinkSource, LinkStatus, RunStatus

__all__ = ["NodeLink", "MappingRun", "RecordFingerprint"]


class MappingRun(ChangeLoggedModel):
    """One mapping run over the published maps of one chain (or of all chains)."""

    chain = models.ForeignKey("chains.Chain", on_delete=models.CASCADE, null=True, blank=True,
                              related_name="mapping_runs", verbose_name=_("chain"),
                              help_text=_("Empty: all chains with a published map"))
    full = models.BooleanField(_("full run"), default=False,
                               help_text=_("Re-map every firm, not only new or changed ones"))
    status = models.CharField(_("status"), max_length=20, choices=RunStatus.choices,
                              default=RunStatus.PENDING)
    tau_high = models.FloatField(_("auto-accept threshold"), default=0.6)
    tau_low = models.FloatField(_("review threshold"), default=0.3)
    taxonomy_fingerprint = models.CharField(_("taxonomy fingerprint"), max_length=64, blank=True)
    job = models.ForeignKey("core.Job", on_delete=models.SET_NULL, null=True, blank=True,
                            related_name="+", verbose_name=_("job"))
    stats = models.JSONField(_("statistics"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("started by"))

    scope = Scope(chain="chain")

    class Meta:
        ordering = ["-created"]
        verbose_name = _("mapping run")
        verbose_name_plural = _("mapping runs")

    def __str__(self) -> str:
        return f"{self.chain or _('all chains')} #{self.pk}"

    @property
    def scope_key(self) -> str:
        """Which taxonomy the run covers (fingerprints are kept per scope)."""
        return f"chain:{self.chain_id}" if self.chain_id else "all"

    def stat_items(self) -> list[tuple[object, object]]:
        """The statistics as (label, value), in a fixed order, for the run page."""
        return labelled_items(self.stats or {}, RUN_STAT_LABELS)


class NodeLink(ChangeLoggedModel):
    """A firm hung on a chain node (挂链), with its score and evidence."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE,
                                   related_name="node_links", verbose_name=_("enterprise"))
    node = models.ForeignKey("chains.ChainNode", on_delete=models.CASCADE,
                             related_name="links", verbose_name=_("node"))
    source = models.CharField(_("source"), max_length=10, choices=LinkSource.choices,
                              default=LinkSource.MANUAL)
    status = models.CharField(_("status"), max_length=10, choices=LinkStatus.choices,
                              default=LinkStatus.CONFIRMED, db_index=True)
    score = models.FloatField(_("score"), default=1.0)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    run = models.ForeignKey(MappingRun, on_delete=models.SET_NULL, null=True, blank=True,
                            related_name="links", verbose_name=_("mapping run"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    scope = Scope(town="enterprise__town", chain="node__map__chain", enterprise="enterprise")

    class Meta:
        ordering = ["node", "-score"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "node"],
                                               name="unique_enterprise_node_link")]
        # Covering index: a chain's figures read (firm, node, status, score) of its
        # nodes' links from the index alone, never touching the table's rows.
        indexes = [models.Index(fields=["node", "status", "enterprise", "score"],
                                name="nodelink_node_status_cover")]
        verbose_name = _("node link")
        verbose_name_plural = _("node links")

    def __str__(self) -> str:
        return f"{self.enterprise} → {self.node}"

    @property
    def is_decided(self) -> bool:
        """Confirmed, rejected and manual links are people's decisions: runs keep them."""
        return self.source == LinkSource.MANUAL or self.status in (
            LinkStatus.CONFIRMED, LinkStatus.REJECTED)


class RecordFingerprint(models.Model):
    """What a firm looked like when a run last mapped it (operational cache, not
    domain data): unchanged firms are skipped by incremental runs."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE,
                                   related_name="+")
    scope_key = models.CharField(max_length=40)
    taxonomy_fingerprint = models.CharField(max_length=64)
    digest = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enterprise", "scope_key"],
                                               name="unique_fingerprint_scope")]

    def __str__(self) -> str:
        return f"{self.enterprise_id}@{self.scope_key}"
