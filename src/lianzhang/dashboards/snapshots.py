"""Snapshots: a chain's headline figures frozen as of a date, so the monthly bulletin
can say "completeness 62% → 65% since last month"."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext_lazy

from lianzhang.chains.models import Chain
from lianzhang.core.jobs import JobRunner, register_runner
from lianzhang.core.schedule import register_periodic

from .data import chain_summary, today
from .models import ChainSnapshot

__all__ = ["SNAPSHOT_FIELDS", "take_snapshot", "trend", "SnapshotJob"]

SNAPSHOT_FIELDS = ("completeness", "supporting_rate", "supporting_kind", "leaves", "covered",
                   "missing", "weak", "strong", "single_points", "local_masters", "local_firms",
                   "output", "year")


def take_snapshot(chain: Chain, as_of: datetime.date | None = None) -> ChainSnapshot:
    """Save (or refresh) the snapshot of `chain` for `as_of` (default today)."""
    figures = chain_summary(chain)["figures"]
    values = {k: figures.get(k) for k in SNAPSHOT_FIELDS}
    as_of = as_of or today()
    snapshot = ChainSnapshot.objects.filter(chain=chain, as_of=as_of).first()
    if snapshot is None:
        snapshot = ChainSnapshot(chain=chain, as_of=as_of)
    snapshot.figures = values
    snapshot.save()
    return snapshot


def trend(chain: Chain) -> dict[str, Any]:
    """Snapshots in date order and the change of completeness and supporting rate
    since the previous one."""
    rows = list(ChainSnapshot.objects.filter(chain=chain).order_by("as_of"))
    out: dict[str, Any] = {"dates": [s.as_of.isoformat() for s in rows],
                           "completeness": [s.figures.get("completeness") for s in rows],
                           "supporting_rate": [s.figures.get("supporting_rate") for s in rows],
                           "last": rows[-1] if rows else None,
                           "previous": rows[-2] if len(rows) > 1 else None}
    return out


@register_periodic("monthly")
@register_runner
class SnapshotJob(JobRunner):
    """Snapshots of every chain with a published map, once a month (`core.schedule`;
    `lianzhang snapshot_chains` takes one by hand)."""

    kind = "dashboards.snapshot"
    name = gettext_lazy("Chain snapshots")
    result_labels = {"chains": gettext_lazy("Chains"), "as_of": gettext_lazy("Snapshot date")}
    # A snapshot of a chain and date is refreshed, not added: running again is safe.
    requeue_when_orphaned = True

    def run(self, as_of: str | None = None) -> dict[str, Any]:
        date = datetime.date.fromisoformat(as_of) if as_of else today()
        chains = list(Chain.objects.filter(maps__status="published").distinct().order_by("pk"))
        for i, chain in enumerate(chains, start=1):
            take_snapshot(chain, date)
            self.progress(i, len(chains))
        return {"chains": len(chains), "as_of": date.isoformat()}
