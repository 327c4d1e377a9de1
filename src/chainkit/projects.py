"""Key-project ledger metrics (DESIGN §4 "Projects" and "Cycle times"): pure Python,
plain rows in, figures out. The Django app loads rows and calls these functions; the
same functions run in tests on hand-computed tables.

Counting rules (docs/projects.md), enforced here:

- a project counts once: it is grouped by its *primary* chain only; secondary chain
  tags are reported as `tagged` and never added to totals;
- an upgrade or capital increase counts only the increment: callers pass
  `investment` = total investment − investment already counted before;
- a project moved between towns moves its history: reports carry no town, so every
  figure is grouped by the project's current town.

Money is Decimal in 万元; shares are floats (0–1); variances are percentage points.
"""

from __future__ import annotations

import calendar
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

__all__ = [
    "STAGES", "TERMINATED", "PLANNING", "SIGNED", "STARTED", "COMPLETED", "PRODUCING", "IN_STATS",
    "ProjectRow", "ReportRow", "GroupFigures", "ListItem", "GREEN", "AMBER", "RED",
    "elapsed_share", "month_start", "add_months", "rag", "in_year_ledger", "rollup", "rollups",
    "rollup_by_year",
    "league", "san_wei", "overdue_stages", "stalled", "cycle_times", "monthly_series",
    "stage_funnel", "completed_in_year", "completed_by_month",
]

PLANNING, SIGNED, STARTED, COMPLETED, PRODUCING, IN_STATS = (
    "planning", "signed", "started", "completed", "producing", "in_stats")
STAGES: tuple[str, ...] = (PLANNING, SIGNED, STARTED, COMPLETED, PRODUCING, IN_STATS)
TERMINATED = "terminated"
GREEN, AMBER, RED = "green", "amber", "red"
#: Schedule variance (points) at or above which a group is amber rather than red.
AMBER_FLOOR = -10.0
ZERO = Decimal(0)


@dataclass(frozen=True)
class ProjectRow:
    """One project as the metrics see it."""

    id: int
    name: str
    chain: str
    town: str
    project_class: str = ""
    level: str = ""
    investment: Decimal = ZERO  # counted investment, 万元 (increment for upgrades)
    stage: str = PLANNING
    actual: Mapping[str, date] = field(default_factory=dict)
    planned: Mapping[str, date] = field(default_factory=dict)
    plans: Mapping[int, Decimal] = field(default_factory=dict)  # year → annual plan, 万元
    secondary_chains: tuple[str, ...] = ()
    first_contact: date | None = None


@dataclass(frozen=True)
class ReportRow:
    """The latest approved investment of one project in one month (万元)."""

    project_id: int
    month: date  # first day of the month
    completed: Decimal


@dataclass
class GroupFigures:
    """Roll-up figures of one group (a chain, a town, a class, a level or a year)."""

    key: str
    count: int = 0
    investment: Decimal = ZERO
    annual_plan: Decimal = ZERO
    completed: Decimal = ZERO
    due_to_start: int = 0
    started: int = 0
    tagged: int = 0  # projects tagged with this chain as a secondary chain (not counted)
    elapsed: float = 0.0
    project_ids: list[int] = field(default_factory=list)

    @property
    def share_of_plan(self) -> float | None:
        """Completed this year / annual planned investment (None without a plan)."""
        return float(self.completed / self.annual_plan) if self.annual_plan else None

    @property
    def variance_points(self) -> float | None:
        """Share of plan minus elapsed share of the year, in percentage points."""
        share = self.share_of_plan
        return None if share is None else round((share - self.elapsed) * 100, 1)

    @property
    def start_rate(self) -> float | None:
        """Started / due to start by the as-of date (None when none was due)."""
        return self.started / self.due_to_start if self.due_to_start else None

    @property
    def rag(self) -> str:
        """Traffic light of the schedule variance."""
        return rag(self.variance_points)


@dataclass(frozen=True)
class ListItem:
    """A project on an alert list, with the reason and the days it is late."""

    project_id: int
    name: str
    town: str
    chain: str
    reason: str
    due: date | None = None
    days: int = 0


def month_start(day: date) -> date:
    """The first day of `day`'s month."""
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after `day`'s month (negative goes back)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def elapsed_share(year: int, as_of: date) -> float:
    """Share of `year` elapsed on `as_of` (whole days, the as-of day included)."""
    if as_of.year < year:
        return 0.0
    if as_of.year > year:
        return 1.0
    days = 366 if calendar.isleap(year) else 365
    return ((as_of - date(year, 1, 1)).days + 1) / days


def rag(variance: float | None) -> str:
    """Green when on or ahead of schedule, amber up to 10 points behind, red beyond."""
    if variance is None:
        return ""
    if variance >= 0:
        return GREEN
    return AMBER if variance >= AMBER_FLOOR else RED


def completed_in_year(reports: Iterable[ReportRow], year: int, as_of: date) -> dict[int, Decimal]:
    """Approved investment per project in `year`'s months up to `as_of`."""
    out: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for r in reports:
        if r.month.year == year and r.month <= as_of:
            out[r.project_id] += r.completed
    return out


def in_year_ledger(project: ProjectRow, year: int, completed: Mapping[int, Decimal]) -> bool:
    """A live project is in a year's ledger when it has a plan or approved
    investment in that year (terminated projects are out of every roll-up)."""
    if project.stage == TERMINATED:
        return False
    return year in project.plans or project.id in completed


def _contribution(p: ProjectRow, year: int, as_of: date, completed: Mapping[int, Decimal]
                  ) -> tuple[Decimal, Decimal, Decimal, int, int]:
    """What one project adds to its groups: investment, plan, completed, due, started."""
    planned_start = p.planned.get(STARTED)
    due = started = 0
    if planned_start and planned_start.year == year and planned_start <= as_of:
        due = 1
        actual = p.actual.get(STARTED)
        started = int(bool(actual and actual <= as_of))
    return (p.investment, p.plans.get(year, ZERO), completed.get(p.id, ZERO), due, started)


def _add(group: GroupFigures, pid: int, c: tuple[Decimal, Decimal, Decimal, int, int]) -> None:
    group.count += 1
    group.project_ids.append(pid)
    group.investment += c[0]
    group.annual_plan += c[1]
    group.completed += c[2]
    group.due_to_start += c[3]
    group.started += c[4]


def _key_of(by: str) -> Callable[[ProjectRow], str]:
    if by not in ("chain", "town", "project_class", "level"):
        raise ValueError(f"cannot group projects by {by!r}")
    return lambda p: getattr(p, by)


def rollups(projects: Sequence[ProjectRow], reports: Iterable[ReportRow], year: int,
            as_of: date, dims: Sequence[str] = ("chain",)
            ) -> tuple[dict[str, list[GroupFigures]], GroupFigures]:
    """`rollup` for several dimensions in one pass: {dimension: groups}, total."""
    keys = {by: _key_of(by) for by in dims}
    completed = completed_in_year(reports, year, as_of)
    elapsed = elapsed_share(year, as_of)
    groups: dict[str, dict[str, GroupFigures]] = {by: {} for by in dims}
    total = GroupFigures(key="", elapsed=elapsed)
    for p in projects:
        if not in_year_ledger(p, year, completed):
            continue
        c = _contribution(p, year, as_of, completed)
        _add(total, p.id, c)
        for by, key in keys.items():
            k = key(p)
            group = groups[by].get(k)
            if group is None:
                group = groups[by][k] = GroupFigures(key=k, elapsed=elapsed)
            _add(group, p.id, c)
            if by == "chain":
                for tag in set(p.secondary_chains) - {p.chain}:
                    groups[by].setdefault(tag, GroupFigures(key=tag, elapsed=elapsed)).tagged += 1
    return {by: [g[k] for k in sorted(g)] for by, g in groups.items()}, total


def rollup(projects: Sequence[ProjectRow], reports: Iterable[ReportRow], year: int,
           as_of: date, by: str = "chain") -> tuple[list[GroupFigures], GroupFigures]:
    """Figures per group (sorted by key) and the city total for `year` as of `as_of`.

    Each project is added to exactly one group (its primary chain, its current town
    …), so the groups sum to the total; chain groups also count secondary tags in
    `tagged`, outside the totals."""
    groups, total = rollups(projects, reports, year, as_of, (by,))
    return groups[by], total


def rollup_by_year(projects: Sequence[ProjectRow], reports: Sequence[ReportRow],
                   as_of: date) -> list[GroupFigures]:
    """The city total of every year that has a plan or a report (up to `as_of`)."""
    years = {y for p in projects for y in p.plans} | {r.month.year for r in reports}
    out = []
    for year in sorted(y for y in years if y <= as_of.year):
        _groups, total = rollup(projects, reports, year, as_of, "chain")
        total.key = str(year)
        out.append(total)
    return out


def league(groups: Iterable[GroupFigures]) -> list[tuple[int, GroupFigures]]:
    """Groups ranked by schedule variance (then share of plan, then start rate);
    groups without a plan come last. Returns (rank, group) pairs."""
    def sort_key(g: GroupFigures) -> tuple:
        v = g.variance_points
        return (v is None, -(v or 0.0), -(g.share_of_plan or 0.0), -(g.start_rate or 0.0), g.key)

    return [(i + 1, g) for i, g in enumerate(sorted(groups, key=sort_key))]


def _live(projects: Iterable[ProjectRow]) -> Iterable[ProjectRow]:
    return (p for p in projects if p.stage != TERMINATED)


def _item(p: ProjectRow, reason: str, due: date | None, as_of: date) -> ListItem:
    return ListItem(p.id, p.name, p.town, p.chain, reason, due,
                    (as_of - due).days if due else 0)


def san_wei(projects: Sequence[ProjectRow], reports: Iterable[ReportRow], as_of: date
            ) -> dict[str, list[ListItem]]:
    """三未 lists (DESIGN §4):

    - `not_started`: planned start before `as_of`, not started;
    - `no_investment`: started by the end of the month two months back, not
      completed, and no positive approved investment in either of the last two
      complete months;
    - `not_completed`: planned completion before `as_of`, not completed."""
    last = add_months(as_of, -1)
    window = {last, add_months(as_of, -2)}
    invested = {r.project_id for r in reports if r.month in window and r.completed > 0}
    out: dict[str, list[ListItem]] = {"not_started": [], "no_investment": [], "not_completed": []}
    for p in _live(projects):
        start, done = p.actual.get(STARTED), p.actual.get(COMPLETED)
        planned_start, planned_done = p.planned.get(STARTED), p.planned.get(COMPLETED)
        if planned_start and planned_start < as_of and not (start and start <= as_of):
            out["not_started"].append(_item(p, "not_started", planned_start, as_of))
        if start and start < last and not done and p.id not in invested:
            out["no_investment"].append(_item(p, "no_investment", None, as_of))
        if planned_done and planned_done < as_of and not (done and done <= as_of):
            out["not_completed"].append(_item(p, "not_completed", planned_done, as_of))
    for items in out.values():
        items.sort(key=lambda i: (-i.days, i.name))
    return out


def overdue_stages(projects: Sequence[ProjectRow], as_of: date) -> list[ListItem]:
    """Every unreached stage whose planned date has passed (reason = the stage)."""
    out = []
    for p in _live(projects):
        for stage in STAGES[1:]:
            due = p.planned.get(stage)
            if due and due < as_of and stage not in p.actual:
                out.append(_item(p, stage, due, as_of))
    out.sort(key=lambda i: (-i.days, i.name, STAGES.index(i.reason)))
    return out


def stalled(projects: Sequence[ProjectRow], reports: Iterable[ReportRow], as_of: date,
            days: int = 180, months: int = 3) -> list[ListItem]:
    """Signed or started projects whose stage has not moved for `days` days and that
    have no positive approved investment in the last `months` complete months."""
    window = {add_months(as_of, -k) for k in range(1, months + 1)}
    invested = {r.project_id for r in reports if r.month in window and r.completed > 0}
    out = []
    for p in _live(projects):
        if p.stage not in (SIGNED, STARTED) or p.id in invested:
            continue
        since = p.actual.get(p.stage)
        if since and (as_of - since).days >= days:
            out.append(_item(p, p.stage, since, as_of))
    out.sort(key=lambda i: (-i.days, i.name))
    return out


def _median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def cycle_times(projects: Iterable[ProjectRow], by: str = "chain") -> list[dict]:
    """Median days first contact → signed, signed → started, started → producing per
    group (only projects with both dates of a step count for that step)."""
    key = _key_of(by)
    steps: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for p in _live(projects):
        a = p.actual
        pairs = {"contact_signed": (p.first_contact, a.get(SIGNED)),
                 "signed_started": (a.get(SIGNED), a.get(STARTED)),
                 "started_producing": (a.get(STARTED), a.get(PRODUCING))}
        for name, (begin, end) in pairs.items():
            if begin and end:
                steps[key(p)][name].append((end - begin).days)
    out = []
    for group in sorted(steps):
        row: dict = {"key": group}
        for name in ("contact_signed", "signed_started", "started_producing"):
            values = steps[group][name]
            row[name] = _median(values)
            row[f"{name}_n"] = len(values)
        out.append(row)
    return out


def completed_by_month(projects: Sequence[ProjectRow], reports: Iterable[ReportRow], year: int,
                       as_of: date) -> dict[int, Decimal]:
    """Approved investment of the year's ledger projects per month number (1–12) of
    `year`, up to `as_of`. (A store may compute the same sum in one query: every
    live project with approved investment in the year is in the year's ledger.)"""
    completed = completed_in_year(reports, year, as_of)
    ids = {p.id for p in projects if in_year_ledger(p, year, completed)}
    out: dict[int, Decimal] = dict.fromkeys(range(1, 13), ZERO)
    for r in reports:
        if r.project_id in ids and r.month.year == year and r.month <= as_of:
            out[r.month.month] += r.completed
    return out


def monthly_series(plan: Decimal, by_month: Mapping[int, Decimal]) -> dict[str, list]:
    """The chart series: completed per month, its running total and the annual
    plan spread evenly over the months (cumulative)."""
    monthly = [by_month.get(m, ZERO) for m in range(1, 13)]
    running, cumulative = ZERO, []
    for value in monthly:
        running += value
        cumulative.append(running)
    return {"months": list(range(1, 13)), "completed": monthly, "cumulative": cumulative,
            "plan_cumulative": [plan * m / 12 for m in range(1, 13)], "plan": plan}


def stage_funnel(projects: Iterable[ProjectRow]) -> dict[str, int]:
    """How many projects reached each stage (a project at 开工 has also passed 签约),
    plus the terminated count."""
    counts = dict.fromkeys((*STAGES, TERMINATED), 0)
    for p in projects:
        if p.stage == TERMINATED:
            counts[TERMINATED] += 1
            reached = [s for s in STAGES if s in p.actual]
            top = STAGES.index(reached[-1]) if reached else 0
        else:
            top = STAGES.index(p.stage)
        for stage in STAGES[: top + 1]:
            counts[stage] += 1
    return counts
