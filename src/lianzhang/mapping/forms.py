"""Forms of the mapping app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lianzhang.chains.models import Chain, ChainNode
from lianzhang.core.forms import ScopedModelForm, style_widgets
from lianzhang.core.permissions import allowed_for
from lianzhang.enterprises.fields import EnterpriseField

from .choices import LinkSource, LinkStatus
from .models import MappingRun, NodeLink

__all__ = ["NodeLinkForm", "MappingRunForm", "ReviewActionForm", "chain_choices", "run_allowed"]


class NodeLinkForm(ScopedModelForm):
    """A manual link (people's links are never overwritten by runs)."""

    enterprise = EnterpriseField(label=_("enterprise"))

    class Meta:
        model = NodeLink
        fields = ["enterprise", "node", "status"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = self.fields["node"].queryset.filter(
            map__status="published").select_related("map__chain")
        self.fields["status"].choices = [
            (LinkStatus.CONFIRMED, LinkStatus.CONFIRMED.label),
            (LinkStatus.REJECTED, LinkStatus.REJECTED.label)]

    def save(self, commit: bool = True) -> NodeLink:
        link = super().save(commit=False)
        if link.pk is None:
            link.source = LinkSource.MANUAL
            link.score = 1.0
        if commit:
            link.save()
        return link


def run_allowed(user: Any, chain: Any) -> bool:
    """Whether `user` may start a mapping run over `chain` (None: every chain)."""
    return allowed_for(user, MappingRun, "add", chain_id=getattr(chain, "pk", None))


class MappingRunForm(ScopedModelForm):
    """Run settings (used by the generic pages and the API)."""

    class Meta:
        model = MappingRun
        fields = ["chain", "full", "tau_high", "tau_low", "note"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        high, low = data.get("tau_high"), data.get("tau_low")
        if high is not None and low is not None and not 0 <= low <= high <= 1:
            raise ValidationError(_("Thresholds must satisfy 0 ≤ review ≤ auto-accept ≤ 1."))
        if self.instance.pk is None and self.user is not None and not run_allowed(
                self.user, data.get("chain")):
            # Checked before the run starts: the job must not run for a chain (or for all
            # chains) the user does not keep.
            raise ValidationError(_("You may start mapping runs only for the chains you "
                                    "keep; a run over all chains is for the secretariat."))
        return data

    def save(self, commit: bool = True) -> MappingRun:
        """A new run is started as a job; an existing one only has its row saved."""
        if self.instance.pk is None and commit:
            from .jobs import start_run

            data = self.cleaned_data
            return start_run(self.user, chain=data.get("chain"), full=data.get("full", False),
                             tau_high=data["tau_high"], tau_low=data["tau_low"],
                             note=data.get("note", ""))
        return super().save(commit)


class ReviewActionForm(forms.Form):
    """Bulk action on selected links in the review queue."""

    action = forms.ChoiceField(choices=[("accept", _("Accept")), ("reject", _("Reject")),
                                        ("reassign", _("Reassign"))])
    links = forms.ModelMultipleChoiceField(queryset=NodeLink.objects.none())
    node = forms.ModelChoiceField(queryset=ChainNode.objects.none(), required=False)

    def __init__(self, *args: Any, links: Any = None, nodes: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["links"].queryset = links if links is not None else NodeLink.objects.none()
        self.fields["node"].queryset = nodes if nodes is not None else ChainNode.objects.none()
        style_widgets(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("action") == "reassign" and not data.get("node"):
            raise ValidationError(_("Choose the node to reassign to."))
        return data


def chain_choices(user: Any) -> Any:
    """Chains with a published map the user can see."""
    return Chain.objects.restrict(user, "view").filter(maps__status="published").distinct()
