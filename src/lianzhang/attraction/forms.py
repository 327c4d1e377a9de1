"""Forms of the attraction app (each serves the edit page, the import rows and, for
leads, the "create lead" button of a recommendation)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianzhang.chains.models import Chain, ChainNode
from lianzhang.core.forms import (
    NaturalKeyMultipleChoiceField,
    RevisionField,
    ScopedModelForm,
    style_widgets,
)
from lianzhang.enterprises.fields import EnterpriseField, TownField
from lianzhang.enterprises.models import Enterprise
from lianzhang.enterprises.resolution import AMBIGUOUS, CONFIDENT, registry_index
from lianzhang.regions.models import Region

from .choices import LeadStage
from .models import Event, EventLead, Lead, LeadActivity, Recommendation
from .services.duplicates import same_town_duplicate

__all__ = ["InvestorField", "LeadForm", "LeadActivityForm", "EventForm", "RecommendationForm",
           "MoveForm", "published_nodes"]


def published_nodes() -> Any:
    """Nodes of published maps (what leads and recommendations may target)."""
    return ChainNode.objects.filter(map__status="published").select_related("map__chain")


class InvestorField(forms.CharField):
    """The investor typed by name or USCC (or chosen by id), resolved through the
    registry: a confident match is that firm, an ambiguous name is refused with the
    candidates, an unknown name becomes a new outside firm when the lead is saved —
    never a silent duplicate."""

    to_field_name = "name"  # exports write the investor's name

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queryset = Enterprise.objects.filter(town__isnull=True)

    def clean(self, value: Any) -> Enterprise | None:
        text = super().clean(value).strip()
        if not text:
            return None
        if text.isdigit() and (firm := self.queryset.filter(pk=int(text)).first()):
            return firm
        match = registry_index().resolve(text, text if len(text) == 18 else None)
        if match.status == CONFIDENT:
            firm = self.queryset.filter(pk=match.enterprise_id).first()
            if firm is not None:
                return firm
            raise ValidationError(_("“%(name)s” is a registered firm outside your scope.")
                                  % {"name": text})
        if match.status == AMBIGUOUS:
            names = "、".join(c["name"] for c in match.candidates)
            raise ValidationError(_("“%(name)s” matches several firms: %(names)s. Use the full "
                                    "registered name or the USCC.") % {"name": text,
                                                                     "names": names})
        if len(text) < 4:
            raise ValidationError(_("Give the investor's full registered name."))
        return Enterprise(name=text, town=None)


class LeadForm(ScopedModelForm):
    """A lead; the stage is changed with the stage buttons, not here."""

    investor = InvestorField(label=gettext_lazy("investor"), required=False,
                             help_text=gettext_lazy("Registered name or USCC; a firm not in "
                                                    "the registry is added as an outside firm"))
    investor_region = forms.CharField(label=gettext_lazy("investor's region (new firms)"),
                                      required=False, max_length=100)
    town = TownField(queryset=Region.objects.filter(level="town"), label=gettext_lazy("town"))
    chain = forms.ModelChoiceField(queryset=Chain.objects.all(), required=False,
                                   label=gettext_lazy("chain"))
    node = forms.ModelChoiceField(queryset=ChainNode.objects.all(), required=False,
                                  label=gettext_lazy("gap node"))
    # Set by "create lead" from a recommendation, never typed: the page names the
    # recommendation with a link instead of showing its id.
    recommendation = forms.ModelChoiceField(
        queryset=Recommendation.objects.all(), required=False, widget=forms.HiddenInput,
        label=gettext_lazy("recommendation"))

    class Meta:
        model = Lead
        fields = ["investor", "investor_region", "chain", "node", "extra_nodes", "gap_kind",
                  "summary", "total_investment", "fixed_investment", "land_mu", "energy",
                  "expected_output", "expected_tax", "site_requirements", "coordination",
                  "source", "referrer", "owner", "town", "recommendation", "description"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = self.user
        visible = Enterprise.objects.restrict(user, "view").values("pk")
        # Investors are mostly outside firms (no town), which town users may name too.
        self.fields["investor"].queryset = Enterprise.objects.filter(
            Q(town__isnull=True) | Q(pk__in=visible))
        for name in ("node", "extra_nodes"):
            self.fields[name].queryset = self.fields[name].queryset.filter(
                map__status="published").select_related("map__chain")
        self.fields["owner"].queryset = self.fields["owner"].queryset.filter(is_active=True)
        if self.instance.pk and not self.is_bound:
            self.initial["investor"] = self.instance.enterprise.name
        elif not self.instance.pk and not self.is_bound and getattr(user, "pk", None):
            self.initial.setdefault("owner", user.pk)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        rec, node, chain = data.get("recommendation"), data.get("node"), data.get("chain")
        investor = data.get("investor")
        if rec is not None:
            node = node or rec.node
            investor = investor or rec.enterprise
            if node != rec.node or investor.pk != rec.enterprise_id:
                raise ValidationError(_("The recommendation is for %(firm)s on %(node)s; the "
                                        "lead must keep its investor and node.") % {
                    "firm": rec.enterprise, "node": rec.node})
        if investor is None and "investor" not in self.errors:
            self.add_error("investor", _("Name the investor."))
        if node is not None:
            if chain is not None and chain.pk != node.map.chain_id:
                self.add_error("node", _("The node %(node)s is not in the chain %(chain)s.") % {
                    "node": node, "chain": chain})
            chain = node.map.chain
        if chain is None:
            self.add_error("chain", _("Choose the chain or the gap node."))
        data.update(node=node, chain=chain, investor=investor)
        town = data.get("town")
        if investor is not None and investor.pk and node and town:
            other = same_town_duplicate(investor.pk, node.pk, town.pk, self.instance.pk)
            if other is not None:
                raise ValidationError(_("%(town)s already has a lead on %(firm)s for %(node)s "
                                        "(%(lead)s); add to that lead instead.") % {
                    "town": town, "firm": investor, "node": node, "lead": other.pk})
        return data

    def _post_clean(self) -> None:
        # The investor and chain come from clean(); set them before model validation.
        data = getattr(self, "cleaned_data", {})
        if data.get("chain") is not None:
            self.instance.chain = data["chain"]
        if data.get("node") is not None:
            self.instance.node = data["node"]
        super()._post_clean()

    @transaction.atomic
    def save(self, commit: bool = True) -> Lead:
        lead = super().save(commit=False)
        firm = self.cleaned_data["investor"]
        if firm.pk is None:
            firm.region_name = self.cleaned_data.get("investor_region", "")
            firm.full_clean()
            firm.save()
        lead.enterprise = firm
        if commit:
            lead.save()
            self.save_m2m()
        return lead


class LeadActivityForm(ScopedModelForm):
    """A visit, call or meeting."""

    class Meta:
        model = LeadActivity
        fields = ["lead", "kind", "date", "notes"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}

    def save(self, commit: bool = True) -> LeadActivity:
        activity = super().save(commit=False)
        if activity.pk is None and getattr(self.user, "pk", None):
            activity.user = self.user
        if commit:
            activity.save()
        return activity


class EventForm(ScopedModelForm):
    """An event with its chains, the leads attached and the leads signed there."""

    town = TownField(queryset=Region.objects.filter(level="town"), required=False,
                     label=gettext_lazy("town"))
    chains = NaturalKeyMultipleChoiceField(queryset=Chain.objects.all(), to_field_name="code",
                                           required=False, label=gettext_lazy("chains"))
    leads = forms.ModelMultipleChoiceField(queryset=Lead.objects.all(), required=False,
                                           label=gettext_lazy("leads attached"))
    signed_leads = forms.ModelMultipleChoiceField(queryset=Lead.objects.all(), required=False,
                                                  label=gettext_lazy("leads signed here"))

    class Meta:
        model = Event
        fields = ["name", "kind", "date", "place", "organiser", "town", "chains", "leads",
                  "signed_leads", "reported_projects", "reported_amount", "description"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            links = list(self.instance.event_leads.all())
            self.initial["leads"] = [x.lead_id for x in links]
            self.initial["signed_leads"] = [x.lead_id for x in links if x.signed]

    def clean_signed_leads(self) -> Any:
        signed = self.cleaned_data.get("signed_leads") or []
        unsigned = [str(lead) for lead in signed if lead.signed_on is None]
        if unsigned:
            raise ValidationError(_("Not signed yet: %(leads)s. Sign the lead first.")
                                  % {"leads": "、".join(unsigned)})
        return signed

    @transaction.atomic
    def save(self, commit: bool = True) -> Event:
        event = super().save(commit=commit)
        if commit:
            self._save_leads(event)
        return event

    def _save_leads(self, event: Event) -> None:
        signed = {lead.pk for lead in self.cleaned_data.get("signed_leads") or []}
        wanted = {lead.pk for lead in self.cleaned_data.get("leads") or []} | signed
        for link in event.event_leads.all():
            if link.lead_id not in wanted:
                link.delete()
        for lead_id in wanted:
            link = event.event_leads.filter(lead_id=lead_id).first() or EventLead(
                event=event, lead_id=lead_id)
            if link.pk is None or link.signed != (lead_id in signed):
                link.signed = lead_id in signed
                link.save()


class RecommendationForm(ScopedModelForm):
    """A firm added to a node's list by hand (no factor breakdown: the engine did not
    rank it)."""

    enterprise = EnterpriseField(label=gettext_lazy("enterprise"))

    class Meta:
        model = Recommendation
        fields = ["node", "enterprise", "rank", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = self.fields["node"].queryset.filter(
            map__status="published").select_related("map__chain")
        self.fields["enterprise"].queryset = Enterprise.objects.filter(town__isnull=True)

    def save(self, commit: bool = True) -> Recommendation:
        rec = super().save(commit=False)
        if rec.pk is None:
            rec.manual = True
        if commit:
            rec.save()
        return rec


class MoveForm(forms.Form):
    """A stage change from the lead page or the kanban."""

    stage = forms.ChoiceField(choices=LeadStage.choices, label=gettext_lazy("stage"))
    reason = forms.CharField(required=False, max_length=300, label=gettext_lazy("reason"))
    date = forms.DateField(required=False, label=gettext_lazy("date"),
                           widget=forms.DateInput(attrs={"type": "date"}))
    investment = forms.DecimalField(required=False, min_value=0, max_digits=16,
                                    decimal_places=2,
                                    label=gettext_lazy("total investment (10k yuan)"))
    # The real dates of stages a move passes over (签约 cannot be passed over: 落地
    # needs a signing first); without them a jump is refused.
    date_contact = forms.DateField(required=False, label=gettext_lazy("date contacted"),
                                   widget=forms.DateInput(attrs={"type": "date"}))
    date_visit = forms.DateField(required=False, label=gettext_lazy("date of the site visit"),
                                 widget=forms.DateInput(attrs={"type": "date"}))
    date_negotiation = forms.DateField(required=False,
                                       label=gettext_lazy("date negotiation began"),
                                       widget=forms.DateInput(attrs={"type": "date"}))
    # The lead's revision on the page or card: a move made on a stale board is refused.
    revision = RevisionField()

    SKIPPABLE = ("contact", "visit", "negotiation")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        style_widgets(self)

    def skipped_dates(self) -> dict[str, Any]:
        """Stage → the date given for it, for the stages a jump passes over."""
        return {s: self.cleaned_data[f"date_{s}"] for s in self.SKIPPABLE
                if self.cleaned_data.get(f"date_{s}")}
