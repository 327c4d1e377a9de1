"""The project ledger's columns as the offices write them (亿元, names, Chinese
labels): read-only properties the export writes under the ledger import form's
headers, so an exported ledger can be edited and imported again."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

__all__ = ["LedgerColumns", "to_yi", "from_yi", "YI"]

YI = Decimal(10000)  # 1亿元 = 10000万元


def to_yi(value: Decimal | None) -> Decimal | None:
    """万元 → 亿元, without trailing zeros."""
    if value is None:
        return None
    result = (Decimal(value) / YI).normalize()
    return result.quantize(Decimal(1)) if result == result.to_integral() else result


def from_yi(value: Decimal | None) -> Decimal | None:
    """亿元 → 万元 (2 decimals, the stored precision)."""
    return None if value is None else (Decimal(value) * YI).quantize(Decimal("0.01"))


class LedgerColumns:
    """Mixin for `Project`: ledger export columns (uses prefetched stages and plans)."""

    # Provided by Project.
    stages: Any
    year_plans: Any

    def _stage(self, stage: str) -> Any:
        return next((s for s in self.stages.all() if s.stage == stage), None)

    def actual_date(self, stage: str) -> date | None:
        """When the project reached `stage` (None when not reached)."""
        row = self._stage(stage)
        return row.actual_date if row else None

    def planned_date(self, stage: str) -> date | None:
        """When the project is planned to reach `stage`."""
        row = self._stage(stage)
        return row.planned_date if row else None

    @property
    def location(self) -> str:
        """建设地点: the town's name."""
        return self.town.name if self.town_id else ""

    @property
    def park_name(self) -> str:
        """The park's name."""
        return self.park.name if self.park_id else ""

    @property
    def chain_name(self) -> str:
        """所属产业链: the main chain's name."""
        return self.chain.name if self.chain_id else ""

    @property
    def secondary_chain_names(self) -> list[str]:
        """Secondary chains' names (exported `a|b`)."""
        return [c.name for c in self.secondary_chains.all()]

    @property
    def class_name(self) -> str:
        """项目类别 as written (新建/续建 …)."""
        return self.get_project_class_display()

    @property
    def level_name(self) -> str:
        """项目级别 as written."""
        return self.get_level_display()

    @property
    def kind_name(self) -> str:
        """New investment or upgrade, as written."""
        return self.get_kind_display()

    @property
    def investor_name(self) -> str:
        """投资主体: the firm's registered name."""
        return self.investor.name if self.investor_id else ""

    @property
    def total_yi(self) -> Decimal | None:
        """总投资 in 亿元."""
        return to_yi(self.total_investment)

    @property
    def fixed_asset_yi(self) -> Decimal | None:
        """固定资产投资 in 亿元."""
        return to_yi(self.fixed_asset_investment)

    @property
    def prior_yi(self) -> Decimal | None:
        """Investment counted before an upgrade, in 亿元."""
        return to_yi(self.prior_investment) if self.prior_investment else None

    @property
    def output_yi(self) -> Decimal | None:
        """Expected annual output in 亿元."""
        return to_yi(self.expected_output)

    @property
    def tax_yi(self) -> Decimal | None:
        """Expected annual tax in 亿元."""
        return to_yi(self.expected_tax)

    @property
    def plan_year(self) -> int:
        """The plan year of the export: this year."""
        return timezone.localdate().year

    @property
    def plan_yi(self) -> Decimal | None:
        """年度计划投资 of this year in 亿元."""
        year = self.plan_year
        plan = next((p.planned_investment for p in self.year_plans.all() if p.year == year), None)
        return to_yi(plan)

    @property
    def cumulative_yi(self) -> Decimal | None:
        """累计完成投资 (approved, computed) in 亿元."""
        return to_yi(self.cumulative())

    @property
    def signed_on(self) -> date | None:
        """签约时间."""
        return self.actual_date("signed")

    @property
    def started_on(self) -> date | None:
        """开工时间."""
        return self.actual_date("started")

    @property
    def completed_on(self) -> date | None:
        """竣工时间."""
        return self.actual_date("completed")

    @property
    def producing_on(self) -> date | None:
        """投产时间."""
        return self.actual_date("producing")

    @property
    def in_stats_on(self) -> date | None:
        """纳统时间."""
        return self.actual_date("in_stats")

    @property
    def planned_start(self) -> date | None:
        """计划开工时间."""
        return self.planned_date("started")

    @property
    def planned_completion(self) -> date | None:
        """计划竣工时间."""
        return self.planned_date("completed")

    @property
    def skip_reason(self) -> str:
        """The reason recorded for stages passed over."""
        return next((s.reason for s in self.stages.all() if s.skipped and s.reason), "")

    def cumulative(self) -> Decimal:  # pragma: no cover - Project overrides
        raise NotImplementedError
