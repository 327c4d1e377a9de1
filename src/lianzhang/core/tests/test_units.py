"""Money amounts with units, as offices write them."""

from decimal import Decimal

import pytest

from lianzhang.core.units import UnitError, mixed_unit_errors, parse_amount


def test_it_reads_amounts_in_any_unit_as_wan_yuan():
    assert parse_amount("350") == Decimal(350)
    assert parse_amount("1.2亿") == Decimal("12000.0")
    assert parse_amount("3,500,000元") == Decimal("350.0000")
    assert parse_amount("2", unit="亿元") == Decimal(20000)
    assert parse_amount("") is None


def test_it_refuses_contradictions_and_nonsense():
    with pytest.raises(UnitError, match="单位列"):
        parse_amount("5亿元", unit="万元")
    with pytest.raises(UnitError, match="不是金额"):
        parse_amount("五百万")
    with pytest.raises(UnitError, match="未知单位"):
        parse_amount("5", unit="美元")


def test_it_refuses_mixed_units_in_a_file_without_a_unit_column():
    assert mixed_unit_errors(["350", "400万元"], has_unit_column=False) == []
    assert "万元、亿元" in mixed_unit_errors(["350万元", "1.2亿元"], has_unit_column=False)[0]
    assert mixed_unit_errors(["350", "1.2亿"], has_unit_column=False)
    assert mixed_unit_errors(["350万元", "1.2亿元"], has_unit_column=True) == []
