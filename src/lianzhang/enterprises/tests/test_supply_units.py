"""Supply-tie imports with money units (issue 5, bad input)."""

import io
from decimal import Decimal

from django.test import Client
from django.urls import reverse

from lianzhang.core.models import ObjectChange
from lianzhang.enterprises.models import Enterprise, SupplyTie

HEADER = "供应商,客户,年份,年采购额"


def _upload(world, text: str):
    Enterprise.objects.create(name="青岛甲电机有限公司", town=world.town_a)
    Enterprise.objects.create(name="青岛乙电器有限公司", town=world.town_a)
    Enterprise.objects.create(name="青岛丙光电有限公司", town=world.town_a)
    client = Client()
    client.force_login(world.user("admin"))
    upload = io.BytesIO(text.encode("gb18030"))
    upload.name = "ties.csv"
    return client.post(reverse("enterprises:supplytie_import"), {"file": upload, "dry_run": ""})


def test_it_refuses_mixed_units_without_a_unit_column_and_writes_nothing(world):
    changes = ObjectChange.objects.count()
    response = _upload(world, f"{HEADER}\n青岛甲电机有限公司,青岛乙电器有限公司,2024,350万元\n"
                              "青岛丙光电有限公司,青岛乙电器有限公司,2024,1.2亿元\n")
    assert response.status_code == 400
    assert "不同单位（万元、亿元）" in response.content.decode()
    assert SupplyTie.objects.count() == 0
    assert ObjectChange.objects.count() == changes + 3  # only the three firms above


def test_it_converts_each_row_by_its_unit_column(world):
    response = _upload(world, f"{HEADER},单位\n青岛甲电机有限公司,青岛乙电器有限公司,2024,350,万元\n"
                              "青岛丙光电有限公司,青岛乙电器有限公司,2024,1.2,亿元\n")
    assert response.status_code == 302
    assert sorted(SupplyTie.objects.values_list("annual_value", flat=True)) == [
        Decimal("350.00"), Decimal("12000.00")]


def test_it_refuses_a_cell_unit_that_contradicts_the_unit_column(world):
    response = _upload(world, f"{HEADER},单位\n青岛甲电机有限公司,青岛乙电器有限公司,2024,3亿元,万元\n")
    assert response.status_code == 400
    assert "第2行" in response.content.decode() and "单位列" in response.content.decode()
    assert SupplyTie.objects.count() == 0
