"""Exports: spreadsheet formulas are neutralised in CSV and XLSX, other values pass
unchanged, and an exported file can be edited and imported again."""

import csv
import datetime
import decimal
import io

import pytest
from openpyxl import load_workbook

from lianzhang.core.exporter import export_columns, neutralise
from lianzhang.core.models import ObjectChange
from lianzhang.core.testing.helpers import client_for, upload
from lianzhang.regions.models import Region
from lianzhang.regions.views import RegionType

LIST_URL = "/regions/regions/"
DANGEROUS_NAMES = ["=1+1", "+SUM(1,2)", "-2+3", "@SUM(A1)", "=HYPERLINK(\"http://x\",\"点我\")"]


@pytest.fixture
def parks(world):
    """Parks under 九龙街道 whose names and descriptions a spreadsheet would execute."""
    return [Region.objects.create(name=name, code=f"370281006{410 + i}", level="park",
                                  parent=world.town_a, description=f"-说明{i}",
                                  main_industry="普通文本")
            for i, name in enumerate(DANGEROUS_NAMES)]


def csv_rows(response):
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel needs the BOM for Chinese text
    return list(csv.reader(io.StringIO(text[1:])))


def xlsx_rows(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[c for c in row] for row in sheet.iter_rows()]


def test_it_neutralises_dangerous_text_but_not_numbers_or_dates():
    for text in ("=1+1", "+1", "-x", "@A1", "\tX", "\rX"):
        assert neutralise(text) == "'" + text
    for value in (-5, 3.25, -0.5, decimal.Decimal("-12.50"), datetime.date(2024, 2, 1), None,
                  True, "普通", "1=1", "a-b", "370281006000"):
        assert neutralise(value) == value


def test_it_escapes_formula_cells_in_csv_export(world, parks):
    response = client_for(world, "admin").get(LIST_URL + f"?parent={world.town_a.pk}&export=csv")
    header, *rows = csv_rows(response)
    assert [n for n, _h in export_columns(RegionType)][:2] == ["name", "code"]
    by_code = {r[1]: r for r in rows}
    assert len(rows) == len(DANGEROUS_NAMES)
    for park in parks:
        row = by_code[park.code]
        assert row[0] == "'" + park.name
        assert "'" + park.description in row
        assert "普通文本" in row  # harmless text untouched
        assert world.town_a.code in row  # the parent by its code, unescaped


def test_it_escapes_formula_cells_in_xlsx_export(world, parks):
    response = client_for(world, "admin").get(LIST_URL + f"?parent={world.town_a.pk}&export=xlsx")
    header, *rows = xlsx_rows(response)
    assert len(rows) == len(DANGEROUS_NAMES)
    for row in rows:
        name = row[0]
        assert name.data_type == "s", "a formula cell was written"
        assert name.value.startswith("'") and name.value[1:] in DANGEROUS_NAMES
        assert all(c.data_type != "f" for c in row)


def test_it_round_trips_export_edit_import(world, parks):
    """Export the parks, delete them, edit the file and import it again: the escaped
    cells come back as the original text."""
    client = client_for(world, "admin")
    originals = {p.code: (p.name, p.description) for p in parks}
    exported = client.get(LIST_URL + f"?parent={world.town_a.pk}&export=csv").content
    xlsx = client.get(LIST_URL + f"?parent={world.town_a.pk}&export=xlsx").content
    for park in parks:
        park.delete()

    text = exported.decode("utf-8-sig")
    text = text.replace("普通文本", "编辑后的文本")  # the user edits a column
    response = client.post(LIST_URL + "import/", {"file": upload(text.encode("utf-8-sig")),
                                                  "dry_run": ""})
    assert response.status_code == 302, response.context and response.context["result"].errors
    for code, (name, description) in originals.items():
        region = Region.objects.get(code=code)
        assert (region.name, region.description) == (name, description)
        assert region.main_industry == "编辑后的文本" and region.parent == world.town_a
        created = ObjectChange.objects.for_object(region).get(action="create")
        assert created.postchange_data["name"] == name

    Region.objects.filter(code__in=originals).delete()
    response = client.post(LIST_URL + "import/", {"file": upload(xlsx, "regions.xlsx"),
                                                  "dry_run": ""})
    assert response.status_code == 302, response.context and response.context["result"].errors
    assert {r.code: (r.name, r.description)
            for r in Region.objects.filter(code__in=originals)} == originals


def test_it_exports_only_the_filtered_rows(world, parks):
    client = client_for(world, "admin")
    header, *rows = csv_rows(client.get(LIST_URL + "?q=HYPERLINK&export=csv"))
    assert [r[0] for r in rows] == ["'" + DANGEROUS_NAMES[-1]]
