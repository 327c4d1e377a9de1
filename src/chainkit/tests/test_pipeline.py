"""Behaviour tests for chainkit.pipeline on a small hand-computed table.

    id  officer chain  stage        reached (2024)                              contact→signed
    L1  王      家电   landed       线索 01-02, 接洽 01-03, 考察 01-10,          01-03 → 02-27 = 55
                                    洽谈 02-01, 签约 02-27, 落地 04-01
    L2  王      家电   signed       线索 01-05, 接洽 01-06, 洽谈 03-01 (skips    01-06 → 03-16 = 70
                                    考察), 签约 03-16
    L3  王      装备   negotiation  线索 02-01, 接洽 02-02, 考察 02-20, 洽谈 03-01     —
    L4  李      家电   dropped      线索 02-01, 接洽 02-03                          —
    L5  李      装备   on_hold      线索 03-01                                      —
    L6  李      装备   signed       线索 01-01, 签约 03-31, first contact given     01-21 → 03-31 = 70
                                    explicitly 01-21 (jumped straight to 签约)
    L7  王      家电   lead         线索 04-01                                      —

Funnel (reached): 线索 7, 接洽 5 (L1 L2 L3 L4 L6), 考察 4 (L1 L2 L3 L6: skipping
counts as passing), 洽谈 4, 签约 3 (L1 L2 L6), 落地 1.
Conversions: 接洽 5/7, 考察 4/5, 洽谈 4/4, 签约 3/4, 落地 1/3; overall 3/7.
Cycle: days 55, 70, 70 → median 70, mean 65, min 55, max 70.
Per officer: 王 (L1 L2 L3 L7) 线索 4 → 签约 2 (0.5), cycle 55, 70 → median 62.5;
李 (L4 L5 L6) 线索 3 → 签约 1, cycle 70.
"""

from datetime import date

import pytest

from chainkit.errors import InputError
from chainkit.pipeline import (
    LeadRecord,
    cycle_times,
    cycle_times_by,
    funnel,
    funnel_by,
    furthest_stage,
)


def d(month: int, day: int) -> date:
    return date(2024, month, day)


def rec(lead_id, officer, chain, stage, reached, first_contact=None):
    return LeadRecord(id=lead_id, stage=stage, reached=reached, first_contact=first_contact,
                      groups={"officer": officer, "chain": chain})


TABLE = [
    rec("L1", "王", "家电", "landed", {"lead": d(1, 2), "contact": d(1, 3), "visit": d(1, 10),
                                      "negotiation": d(2, 1), "signed": d(2, 27),
                                      "landed": d(4, 1)}),
    rec("L2", "王", "家电", "signed", {"lead": d(1, 5), "contact": d(1, 6),
                                      "negotiation": d(3, 1), "signed": d(3, 16)}),
    rec("L3", "王", "装备", "negotiation", {"lead": d(2, 1), "contact": d(2, 2),
                                          "visit": d(2, 20), "negotiation": d(3, 1)}),
    rec("L4", "李", "家电", "dropped", {"lead": d(2, 1), "contact": d(2, 3)}),
    rec("L5", "李", "装备", "on_hold", {"lead": d(3, 1)}),
    rec("L6", "李", "装备", "signed", {"lead": d(1, 1), "signed": d(3, 31)},
        first_contact=d(1, 21)),
    rec("L7", "王", "家电", "lead", {"lead": d(4, 1)}),
]


def test_it_counts_reached_stages_with_skips_passing_and_side_stages_keeping_progress():
    f = funnel(TABLE)
    assert f.total == 7
    assert f.counts == {"lead": 7, "contact": 5, "visit": 4, "negotiation": 4, "signed": 3,
                        "landed": 1}
    assert f.conversions == pytest.approx({"contact": 5 / 7, "visit": 4 / 5,
                                           "negotiation": 1.0, "signed": 3 / 4,
                                           "landed": 1 / 3})
    assert f.overall == pytest.approx(3 / 7)
    assert f.current["dropped"] == 1 and f.current["on_hold"] == 1 and f.current["signed"] == 2
    assert "转化率" in f.definition


def test_it_measures_first_contact_to_signed_in_days():
    c = cycle_times(TABLE)
    assert c.days == (55, 70, 70)
    assert (c.n, c.median, c.mean, c.minimum, c.maximum) == (3, 70.0, 65.0, 55, 70)
    assert "中位数" in c.definition


def test_it_groups_by_officer_and_chain():
    by_officer = funnel_by(TABLE, "officer")
    assert set(by_officer) == {"王", "李"}
    assert by_officer["王"].counts["lead"] == 4 and by_officer["王"].counts["signed"] == 2
    assert by_officer["王"].overall == pytest.approx(0.5)
    assert by_officer["李"].counts == {"lead": 3, "contact": 2, "visit": 1, "negotiation": 1,
                                      "signed": 1, "landed": 0}
    cycles = cycle_times_by(TABLE, "officer")
    assert cycles["王"].median == 62.5 and cycles["李"].days == (70,)
    by_chain = cycle_times_by(TABLE, "chain")
    assert by_chain["家电"].days == (55, 70) and by_chain["装备"].days == (70,)


def test_it_handles_empty_sets_and_missing_groups():
    f = funnel([])
    assert f.total == 0 and f.overall is None and f.conversions["contact"] is None
    assert cycle_times([]).median is None
    lone = LeadRecord("X", "contact", {"lead": d(1, 1)})
    assert furthest_stage(lone) == 1
    assert list(funnel_by([lone], "officer")) == [""]


def test_it_refuses_bad_records_in_chinese():
    with pytest.raises(InputError, match="阶段“won”无效"):
        LeadRecord("B1", "won")
    with pytest.raises(InputError, match="未知阶段"):
        LeadRecord("B2", "lead", {"closed": d(1, 1)})
    backwards = LeadRecord("B3", "signed", {"contact": d(3, 1), "signed": d(2, 1)})
    with pytest.raises(InputError, match="早于首次接洽日期"):
        cycle_times([backwards])
