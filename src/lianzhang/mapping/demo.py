"""Demo step: map the demo city's firms onto the published chain maps (挂链), so the
chain pages have links with evidence from the first `make run`."""

from __future__ import annotations

from lianzhang.demo.steps import DemoContext, register_demo_step

from .models import MappingRun
from .services import run_mapping

__all__ = ["map_demo_city"]


@register_demo_step(200, "mapping")
def map_demo_city(ctx: DemoContext) -> dict[str, int]:
    """One full run over all chains, only on the first load (a second load leaves the
    links — and any review decisions made since — as they are)."""
    if MappingRun.objects.exists():
        return {}
    run = MappingRun.objects.create(full=True, note="演示数据：首次挂链")
    stats = run_mapping(run)
    return {"node links": stats.get("created", 0)}
