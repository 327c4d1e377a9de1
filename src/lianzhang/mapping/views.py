"""挂链 pages: links and runs (generic), the review queue and starting a run."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied

from lianzhang.chains.models import Chain, ChainNode
from lianzhang.core.api.viewsets import ObjectViewSet
from lianzhang.core.navigation import register_link
from lianzhang.core.params import IdField, QueryForm, parse_query
from lianzhang.core.permissions import user_can
from lianzhang.core.registry import ObjectType, register

from . import filtersets as fs
from . import forms
from . import tables as tb
from .api import serializers as sz
from .choices import LinkStatus
from .jobs import start_run
from .models import MappingRun, NodeLink
from .services import decide_links

__all__ = ["NodeLinkType", "MappingRunType", "review_queue"]


class MappingRunViewSet(ObjectViewSet):
    """Creating a run over the API starts its job, as the page does."""

    def perform_create(self, serializer):
        data = serializer.validated_data
        if not forms.run_allowed(self.request.user, data.get("chain")):
            raise DRFPermissionDenied(_("You may start mapping runs only for the chains you "
                                        "keep; a run over all chains is for the secretariat."))
        run = start_run(self.request.user, chain=data.get("chain"), full=data.get("full", False),
                        tau_high=data.get("tau_high", 0.6), tau_low=data.get("tau_low", 0.3))
        serializer.instance = run


@register
class NodeLinkType(ObjectType):
    """Firm → node links with score and evidence."""

    model = NodeLink
    filterset = fs.NodeLinkFilterSet
    table = tb.NodeLinkTable
    form = forms.NodeLinkForm
    serializer = sz.NodeLinkSerializer
    detail_template = "mapping/nodelink_detail.html"


@register
class MappingRunType(ObjectType):
    """Mapping runs (each runs as a job with a progress bar)."""

    model = MappingRun
    filterset = fs.MappingRunFilterSet
    table = tb.MappingRunTable
    form = forms.MappingRunForm
    serializer = sz.MappingRunSerializer
    viewset_base = MappingRunViewSet
    detail_template = "mapping/mappingrun_detail.html"


register_link("mapping", 0, label=gettext_lazy("Review queue"), url_name="mapping:review",
              permission_model="mapping.nodelink")
register_link("mapping", 1, object_type="mapping.nodelink")
register_link("mapping", 2, object_type="mapping.mappingrun")


class ReviewQuery(QueryForm):
    """The review queue's link status, chain and node."""

    status = django_forms.ChoiceField(choices=LinkStatus.choices, initial=LinkStatus.REVIEW)
    chain = IdField()
    node = IdField()


def review_queue(request: HttpRequest) -> HttpResponse:
    """Links awaiting review for a chain or a node: accept, reject or reassign in bulk
    (keyboard: j/k move, x select, a accept, r reject)."""
    if not user_can(request.user, NodeLink, "change"):
        raise PermissionDenied
    links = NodeLink.objects.restrict(request.user, "change").select_related(
        "enterprise", "node", "node__map__chain")
    params = parse_query(request, ReviewQuery)
    status = params["status"]
    links = links.filter(status=status)
    chain = Chain.objects.restrict(request.user, "view").filter(pk=params["chain"] or 0).first()
    node = ChainNode.objects.restrict(request.user, "view").filter(pk=params["node"] or 0).first()
    if chain:
        links = links.filter(node__map__chain=chain)
    if node:
        links = links.filter(node=node)
    nodes = ChainNode.objects.restrict(request.user, "view").filter(map__status="published")
    if chain:
        nodes = nodes.filter(map__chain=chain)
    form = forms.ReviewActionForm(request.POST or None, links=links, nodes=nodes)
    if request.method == "POST":
        if form.is_valid():
            chosen, target = form.cleaned_data["links"], form.cleaned_data.get("node")
            with transaction.atomic():
                count = decide_links(chosen, request.user, form.cleaned_data["action"], target)
                if target is not None:
                    # A reassignment creates links on the target node: they must lie in
                    # the user's scope too (a chain's 专班 cannot move firms onto
                    # another chain), else nothing of the decision is kept.
                    made = NodeLink.objects.filter(
                        node=target, enterprise__in=[link.enterprise_id for link in chosen])
                    if made.count() != made.restrict(request.user, "change").count():
                        raise PermissionDenied
            messages.success(request, _("%(count)d link(s) updated.") % {"count": count})
            return redirect(request.get_full_path())
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return render(request, "mapping/review.html", {
        "links": links.order_by("-score")[:200], "total": links.count(), "chain": chain,
        "node": node, "status": status, "statuses": LinkStatus.choices, "nodes": nodes[:500],
        "chains": forms.chain_choices(request.user), "form": form,
        "can_run": user_can(request.user, MappingRun, "add")})
