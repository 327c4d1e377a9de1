"""Investment promotion events (路演, 推介会, 展会, 招商会) with the leads and signings
attached to them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lianzhang.core.models import ChangeLoggedModel, PrimaryModel, Scope

from ..choices import EventKind

__all__ = ["Event", "EventLead"]


class Event(PrimaryModel):
    """An event; its signings are the attached leads marked signed there, each counted
    for the first event where it was signed, once (`services.events`)."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    organiser = models.CharField(_("organiser"), max_length=200, blank=True)
    town = models.ForeignKey("regions.Region", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="attraction_events", verbose_name=_("town"),
                             help_text=_("Empty for city-wide events"))
    chains = models.ManyToManyField("chains.Chain", blank=True, related_name="events",
                                    verbose_name=_("chains"))
    reported_projects = models.PositiveIntegerField(
        _("projects reported signed (aggregate)"), null=True, blank=True,
        help_text=_("As the organiser reported it; not individual leads"))
    reported_amount = models.DecimalField(
        _("intended investment reported (100m yuan)"), max_digits=12, decimal_places=2,
        null=True, blank=True)

    scope = Scope(town="town", chain="chains")

    class Meta:
        ordering = ["-date", "name"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return f"{self.name}（{self.date}）"


class EventLead(ChangeLoggedModel):
    """A lead attached to an event, and whether it was signed there."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="event_leads",
                              verbose_name=_("event"))
    lead = models.ForeignKey("attraction.Lead", on_delete=models.CASCADE,
                             related_name="event_links", verbose_name=_("lead"))
    signed = models.BooleanField(_("signed at this event"), default=False)

    scope = Scope(town="lead__town", chain="lead__chain")

    class Meta:
        ordering = ["event", "lead"]
        constraints = [models.UniqueConstraint(fields=["event", "lead"],
                                               name="unique_event_lead")]
        verbose_name = _("event lead")
        verbose_name_plural = _("event leads")

    def __str__(self) -> str:
        return f"{self.event} · {self.lead}"
