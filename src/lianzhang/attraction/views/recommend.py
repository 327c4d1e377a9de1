"""Recommendation pages: the gap list with the batch job, one gap node's ranked firms
with their reasons, and "create lead" from a recommendation."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from lianzhang.chains.models import Chain, ChainNode
from lianzhang.core.params import IdField, QueryForm, parse_query
from lianzhang.core.permissions import allowed_for, user_assignments, user_can

from ..choices import LeadSource, LeadStage
from ..forms import LeadForm
from ..jobs import start_batch
from ..models import Lead, Recommendation
from ..services.gaps import gap_kind_of, gap_nodes
from ..services.recommend import (
    FACTOR_LABELS,
    MATCH_LABELS,
    RecommendationRefused,
    refresh_node,
)

__all__ = ["gaps", "node_recommendations", "lead_from_recommendation", "chain_roadmap"]


class GapsQuery(QueryForm):
    """The gap list's chain."""

    chain = IdField()


def gaps(request: HttpRequest) -> HttpResponse:
    """Gap nodes of the chains the user may see (one chain when chosen), with counts of
    saved recommendations and leads; the batch button acts on the gaps listed, in the
    chains whose recommendations the user may write, and says how many."""
    if not user_can(request.user, Recommendation, "view"):
        raise PermissionDenied
    chains = Chain.objects.restrict(request.user, "view")
    chain = chains.filter(pk=parse_query(request, GapsQuery)["chain"] or 0).first()
    items = gap_nodes(chain) if chain else [
        g for g in gap_nodes() if g.node.map.chain_id in set(chains.values_list("pk", flat=True))]
    scope = _batch_scope(request.user, items)
    if request.method == "POST":
        if not scope:
            if not _writable_chain_ids(request.user, chains) or (
                    chain is not None and not allowed_for(
                        request.user, Recommendation, "add", chain_id=chain.pk)):
                raise PermissionDenied
            messages.error(request, _("No gaps listed here are yours to recommend for: "
                                      "nothing was started."))
            return redirect(request.get_full_path())
        # Only the chains listed that this user keeps: a chain's 专班 must not regenerate
        # others', and nobody regenerates chains the page did not show.
        job = start_batch(request.user, chain, chain_ids=None if chain else sorted(scope))
        return redirect("core:job", job.pk)
    node_ids = [g.node.pk for g in items]
    recs = Counter(Recommendation.objects.restrict(request.user, "view").filter(
        node_id__in=node_ids, is_current=True).values_list("node_id", flat=True))
    leads = Counter(Lead.objects.restrict(request.user, "view").filter(
        node_id__in=node_ids).exclude(stage=LeadStage.DROPPED).values_list("node_id", flat=True))
    rows = [{"gap": g, "recommendations": recs.get(g.node.pk, 0), "leads": leads.get(g.node.pk, 0)}
            for g in items]
    return render(request, "attraction/gaps.html", {
        "rows": rows, "chains": chains.filter(maps__status="published").distinct(),
        "chain": chain, "can_run": bool(scope), "batch_chains": len(scope),
        "batch_nodes": sum(scope.values())})


def _batch_scope(user: Any, items: list[Any]) -> dict[int, int]:
    """Chain id → gap nodes listed, for the listed chains whose recommendations `user`
    may write: what the batch button will recompute."""
    counts = Counter(g.node.map.chain_id for g in items)
    return {pk: n for pk, n in counts.items()
            if allowed_for(user, Recommendation, "add", chain_id=pk)}


def _writable_chain_ids(user: Any, chains: Any) -> set[int]:
    """Chains among `chains` whose recommendations `user` may write."""
    return {pk for pk in chains.values_list("pk", flat=True)
            if allowed_for(user, Recommendation, "add", chain_id=pk)}


def _node_for(request: HttpRequest, node_pk: int) -> ChainNode:
    return get_object_or_404(ChainNode.objects.restrict(request.user, "view").select_related(
        "map__chain"), pk=node_pk)


def node_recommendations(request: HttpRequest, node_pk: int) -> HttpResponse:
    """A gap node's ranked outside firms with the factor breakdown and the matched
    products; POST recomputes (filters: region prefix, listed only)."""
    if not user_can(request.user, Recommendation, "view"):
        raise PermissionDenied
    node = _node_for(request, node_pk)
    error = ""
    can_run = allowed_for(request.user, Recommendation, "add", chain_id=node.map.chain_id)
    if request.method == "POST":
        if not can_run:
            raise PermissionDenied
        filters: dict[str, Any] = {}
        if request.POST.get("region", "").strip():
            filters["regions"] = [request.POST["region"].strip()]
        if request.POST.get("listed_only"):
            filters["listed_only"] = True
        try:
            with transaction.atomic():
                saved = refresh_node(node, filters=filters)
        except RecommendationRefused as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("%(count)d firms ranked for %(node)s.") % {
                "count": len(saved), "node": node.name})
            return redirect(request.get_full_path())
    recs = Recommendation.objects.restrict(request.user, "view").filter(
        node=node, is_current=True).select_related("enterprise").order_by("rank")
    leads = Lead.objects.restrict(request.user, "view").filter(node=node).select_related(
        "enterprise", "town")
    lead_by_firm = {lead.enterprise_id: lead for lead in leads}
    rows = [{"rec": r, "lead": lead_by_firm.get(r.enterprise_id),
             "matched": [dict(m, kind_label=MATCH_LABELS.get(m["kind"], m["kind"]))
                         for m in r.matched]} for r in recs]
    return render(request, "attraction/node_recommendations.html", {
        "node": node, "chain": node.map.chain, "rows": rows, "leads": leads, "error": error,
        "factor_labels": FACTOR_LABELS, "can_run": can_run,
        "can_lead": user_can(request.user, Lead, "add")}, status=400 if error else 200)


def lead_from_recommendation(request: HttpRequest, pk: int) -> HttpResponse:
    """The lead form filled from a recommendation (investor, node, chain, source); the
    officer adds the town and the project summary."""
    if not user_can(request.user, Lead, "add"):
        raise PermissionDenied
    rec = get_object_or_404(Recommendation.objects.restrict(request.user, "view").select_related(
        "node__map__chain", "enterprise"), pk=pk)
    if request.method == "POST":
        form = LeadForm(request.POST, instance=Lead(), user=request.user)
        if form.is_valid():
            with transaction.atomic():
                lead = form.save()
                if not Lead.objects.restrict(request.user, "add").filter(pk=lead.pk).exists():
                    transaction.set_rollback(True)
                    raise PermissionDenied
            messages.success(request, _("Lead created from the recommendation."))
            return redirect(lead.get_absolute_url())
    else:
        towns = {t for a in user_assignments(request.user) for t in a.town_ids}
        initial = {"investor": rec.enterprise.name, "chain": rec.node.map.chain_id,
                   "node": rec.node_id, "recommendation": rec.pk,
                   "gap_kind": gap_kind_of(rec.node),  # a 短板 node is not a 缺链 one
                   "source": LeadSource.RECOMMENDATION, "owner": request.user.pk,
                   "summary": _("%(firm)s for the gap %(node)s (recommended, rank %(rank)d)") % {
                       "firm": rec.enterprise.name, "node": rec.node.name, "rank": rec.rank}}
        if len(towns) == 1:  # a town officer's leads are their town's
            initial["town"] = towns.pop()
        form = LeadForm(initial=initial, instance=Lead(), user=request.user)
    intro = format_html(_("From the recommendation of {firm} for {node} (rank {rank})."),
                        firm=format_html('<a href="{}">{}</a>', rec.get_absolute_url(),
                                         rec.enterprise.name),
                        node=rec.node.name, rank=rec.rank)
    return render(request, "core/object_edit.html", {
        "form": form, "object": Lead(), "model_meta": Lead._meta, "intro": intro,
        "list_url": reverse("attraction:node_recommendations", args=[rec.node_id])},
        status=400 if form.is_bound else 200)


def chain_roadmap(request: HttpRequest, chain_pk: int) -> HttpResponse:
    """招商路线图 of a chain: per gap, recommended firms, leads and projects by stage."""
    from lianzhang.projects.choices import Stage

    from ..services.roadmap import roadmap

    if not user_can(request.user, Lead, "view"):
        raise PermissionDenied
    chain = get_object_or_404(Chain.objects.restrict(request.user, "view"), pk=chain_pk)
    rows = roadmap(chain, request.user)
    lead_stages, project_stages = dict(LeadStage.choices), dict(Stage.choices)
    for row in rows:
        row["lead_labels"] = [(lead_stages[s], n) for s, n in row["leads"].items()]
        row["project_labels"] = [(project_stages[s], n) for s, n in row["projects"].items()]
    return render(request, "attraction/roadmap.html", {"chain": chain, "rows": rows})
