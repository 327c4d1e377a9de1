"""Mapping runs in the app: the published chain maps become a `chainkit.mapping`
taxonomy, local firms become records, people's decisions become training examples,
and the predictions become NodeLinks — all or nothing, audited, with decided links
(confirmed, rejected, manual) never overwritten."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from chainkit.mapping import Example, Mapper, MapperConfig, Node, Record, Taxonomy
from lianzhang.chains.models import Chain, ChainNode
from lianzhang.core.audit import audited_bulk_create, audited_bulk_delete, audited_bulk_update
from lianzhang.enterprises.choices import ACTIVE_STATUSES
from lianzhang.enterprises.models import Enterprise

from .choices import LinkSource, LinkStatus, RunStatus
from .models import MappingRun, NodeLink, RecordFingerprint

__all__ = ["MapScope", "build_scope", "firm_record", "record_digest", "run_mapping",
           "decide_links", "TOP_K"]

TOP_K = 5


@dataclass
class MapScope:
    """The taxonomy of a run: published map nodes of the chosen chains."""

    taxonomy: Taxonomy
    leaves: set[str]
    chains: list[Chain]
    node_ids: set[int] = field(default_factory=set)


def build_scope(chain: Chain | None) -> MapScope:
    """Taxonomy over the latest published map of `chain` (or of every chain that has
    one); each chain gets a root node so chains never share ancestors."""
    chains = [chain] if chain is not None else list(Chain.objects.order_by("code"))
    nodes: list[Node] = []
    leaves: set[str] = set()
    node_ids: set[int] = set()
    used: list[Chain] = []
    for item in chains:
        version = item.published_map()
        if version is None:
            continue
        used.append(item)
        root = f"chain:{item.pk}"
        nodes.append(Node(node_id=root, parent_id=None, name=item.name))
        chain_nodes = list(version.nodes.order_by("level", "position"))
        parents = {n.parent_id for n in chain_nodes}
        for n in chain_nodes:
            nodes.append(Node(node_id=str(n.pk), parent_id=str(n.parent_id) if n.parent_id else root,
                              name=n.name, keywords=tuple(k for k in n.keywords if k.strip()),
                              negative_keywords=tuple(k for k in n.negative_keywords if k.strip()),
                              industry_codes=tuple(n.industry_codes)))
            node_ids.add(n.pk)
            if n.pk not in parents:
                leaves.add(str(n.pk))
    return MapScope(Taxonomy(nodes), leaves, used, node_ids)


def firm_record(firm: Enterprise) -> Record:
    """A firm as a mapping record: name, business scope, industry code, products with
    revenue shares (prefetch `products`)."""
    products = list(firm.products.all())
    return Record(id=str(firm.pk), name=firm.name, text=firm.business_scope or "",
                  industry_code=firm.industry_code or "",
                  products=tuple(p.name for p in products),
                  weights=tuple(float(p.revenue_share) if p.revenue_share is not None else None
                                for p in products))


def record_digest(record: Record) -> str:
    """What a record looked like, to skip unchanged firms on incremental runs."""
    raw = json.dumps([record.name, record.text, record.industry_code, record.products,
                      record.weights], ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()


def _local_firms() -> Iterable[Enterprise]:
    return (Enterprise.objects.filter(town__isnull=False, status__in=ACTIVE_STATUSES)
            .prefetch_related("products").order_by("pk"))


def _examples(scope: MapScope, records: dict[str, Record]) -> list[Example]:
    """People's decisions on this taxonomy: confirmed and manual links are positives,
    rejected links negatives."""
    examples = []
    decided = NodeLink.objects.filter(node_id__in=scope.node_ids).filter(
        status__in=[LinkStatus.CONFIRMED, LinkStatus.REJECTED]).select_related("enterprise")
    missing = {str(link.enterprise_id) for link in decided} - set(records)
    extra = {str(f.pk): firm_record(f) for f in Enterprise.objects.filter(
        pk__in=[int(i) for i in missing]).prefetch_related("products")}
    for link in decided:
        record = records.get(str(link.enterprise_id)) or extra.get(str(link.enterprise_id))
        if record is not None:
            examples.append(Example(record=record, label=str(link.node_id),
                                    positive=link.status == LinkStatus.CONFIRMED))
    return examples


def run_mapping(run: MappingRun, progress: Callable[[int, int], None] | None = None,
                should_stop: Callable[[], bool] | None = None) -> dict[str, Any]:
    """Predict, then write every link change of the run in one transaction. A
    cancelled run (should_stop) raises chainkit's MappingCancelled before any write."""
    scope = build_scope(run.chain)
    fingerprint = scope.taxonomy.fingerprint()
    firms = list(_local_firms())
    records = {str(f.pk): firm_record(f) for f in firms}
    known = {fp.enterprise_id: fp for fp in RecordFingerprint.objects.filter(
        scope_key=run.scope_key)}
    digests = {pk: record_digest(r) for pk, r in records.items()}
    todo = [r for pk, r in records.items() if run.full or (
        (fp := known.get(int(pk))) is None or fp.digest != digests[pk]
        or fp.taxonomy_fingerprint != fingerprint)]
    mapper = Mapper(MapperConfig()).fit(scope.taxonomy, _examples(scope, records))
    predictions = mapper.predict(todo, top_k=TOP_K, progress=progress,
                                 should_stop=should_stop) if todo else []
    with transaction.atomic():
        stats = _write_links(run, scope, predictions)
        _write_fingerprints(run, [r.id for r in todo], digests, fingerprint, known)
        stats.update(firms=len(firms), mapped=len(todo), skipped=len(firms) - len(todo),
                     nodes=len(scope.leaves), chains=len(scope.chains))
        run.stats, run.taxonomy_fingerprint = stats, fingerprint
        run.status = RunStatus.COMPLETED
        run.save()
    return stats


def _write_links(run: MappingRun, scope: MapScope, predictions: list) -> dict[str, int]:
    firm_ids = [int(p.record_id) for p in predictions]
    existing = {(link.enterprise_id, link.node_id): link for link in NodeLink.objects.filter(
        enterprise_id__in=firm_ids, node_id__in=scope.node_ids)}
    wanted: dict[tuple[int, int], tuple[float, dict]] = {}
    for prediction in predictions:
        for scored in prediction.links:
            if scored.node_id in scope.leaves and scored.score >= run.tau_low:
                wanted[(int(prediction.record_id), int(scored.node_id))] = (
                    scored.score, scored.evidence)
    create, update, stale = [], [], []
    for key, link in existing.items():
        if link.is_decided:
            continue
        if key not in wanted:
            stale.append(link.pk)
    for key, (score, evidence) in wanted.items():
        status = LinkStatus.AUTO if score >= run.tau_high else LinkStatus.REVIEW
        link = existing.get(key)
        if link is None:
            create.append(NodeLink(enterprise_id=key[0], node_id=key[1], source=LinkSource.AUTO,
                                   status=status, score=score, evidence=evidence, run=run))
        elif not link.is_decided and (link.score, link.status, link.evidence) != (
                score, status, evidence):
            link.score, link.status, link.evidence, link.run = score, status, evidence, run
            update.append(link)
    audited_bulk_delete(NodeLink, NodeLink.objects.filter(pk__in=stale))
    audited_bulk_create(NodeLink, create)
    audited_bulk_update(NodeLink, update, ["score", "status", "evidence", "run"])
    return {"created": len(create), "updated": len(update), "removed": len(stale),
            "review": sum(1 for s, _e in wanted.values() if s < run.tau_high)}


def _write_fingerprints(run: MappingRun, ids: list[str], digests: dict[str, str],
                        fingerprint: str, known: dict[int, RecordFingerprint]) -> None:
    # Operational cache rows, not domain data: plain bulk writes are fine here.
    new, changed = [], []
    for pk in ids:
        fp = known.get(int(pk))
        if fp is None:
            new.append(RecordFingerprint(enterprise_id=int(pk), scope_key=run.scope_key,
                                         taxonomy_fingerprint=fingerprint, digest=digests[pk]))
        else:
            fp.digest, fp.taxonomy_fingerprint = digests[pk], fingerprint
            changed.append(fp)
    RecordFingerprint.objects.bulk_create(new, batch_size=1000)
    RecordFingerprint.objects.bulk_update(changed, ["digest", "taxonomy_fingerprint"],
                                          batch_size=1000)


@transaction.atomic
def decide_links(links: Iterable[NodeLink], user: Any, action: str,
                 node: ChainNode | None = None) -> int:
    """Accept, reject or reassign links (the review queue). Reassigning rejects the
    link and confirms a manual link to `node`. Every change is an audited save."""
    count = 0
    now = timezone.now()
    for link in links:
        if action == "accept":
            link.status = LinkStatus.CONFIRMED
        elif action == "reject":
            link.status = LinkStatus.REJECTED
        elif action == "reassign":
            if node is None:
                raise ValueError("reassign needs a node")
            link.status = LinkStatus.REJECTED
            target, _created = NodeLink.objects.get_or_create(
                enterprise_id=link.enterprise_id, node=node,
                defaults={"source": LinkSource.MANUAL, "status": LinkStatus.CONFIRMED,
                          "score": 1.0, "reviewed_by": user, "reviewed_at": now})
            if target.status != LinkStatus.CONFIRMED:
                target.status, target.reviewed_by, target.reviewed_at = (
                    LinkStatus.CONFIRMED, user, now)
                target.save()
        else:
            raise ValueError(action)
        link.reviewed_by, link.reviewed_at = user, now
        link.save()
        count += 1
    return count
