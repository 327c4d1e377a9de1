"""Bulk import: bad input is refused with a message users can act on, and nothing —
no object, no change record — is written; good files in every supported encoding
and format succeed. Uses the Region import (page and core.importer functions)."""

import io
import random
import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from lianzhang.core.importer import import_file, row_error, run_import
from lianzhang.core.models import ObjectChange
from lianzhang.core.tabular import TableError, read_table
from lianzhang.core.testing.helpers import (
    Snapshot,
    client_for,
    csv_bytes,
    requires_zh_catalogue,
    row_label,
    upload,
    xlsx_bytes,
)
from lianzhang.regions.models import Region
from lianzhang.regions.views import RegionType

IMPORT_URL = "/regions/regions/import/"
EN_HEADER = ["name", "code", "level", "parent"]
ZH_HEADER = ["名称", "区划代码", "级别", "上级区划代码"]

FIFTY_MB = 50 * 1024 * 1024


def park(n, parent="370281006000", name=None):
    """A valid import row: a park under 九龙街道 (town A)."""
    return [name or f"导入园区{n}", f"370281006{400 + n:03d}"[:12], "park", parent]


def post(client, data, name="import.csv", dry_run=False):
    return client.post(IMPORT_URL, {"file": upload(data, name), "dry_run": "on" if dry_run else ""})


def errors_of(response):
    result = response.context["result"]
    assert result is not None and result.errors, "expected import errors"
    assert b"data-import-errors" in response.content
    return result.errors


def zh(message_id, **params):
    """A project message as a Chinese-speaking user sees it (the msgid is shown only
    while the catalogue is missing)."""
    with translation.override("zh-hans"):
        text = gettext(message_id)
        return text % params if params else text


def zh_row_error(row, column, reason):
    with translation.override("zh-hans"):
        return row_error(row, column, reason)


@pytest.fixture
def admin(world):
    return client_for(world, "admin")


@pytest.fixture(scope="module")
def fifty_mb_csv():
    """A 50 MB CSV of otherwise valid rows, built once."""
    head = csv_bytes(ZH_HEADER, [])
    line = "超大文件园区,370281006401,park,370281006000\r\n".encode()
    return head + line * (FIFTY_MB // len(line) + 1)


# --- file-level problems -------------------------------------------------------------

def test_it_refuses_a_utf16_file_naming_the_encoding(world, admin):
    before = Snapshot(Region)
    response = post(admin, csv_bytes(ZH_HEADER, [park(1)], encoding="utf-16"))
    assert response.status_code == 400
    (error,) = errors_of(response)
    assert "UTF-16" in error and "编码" in error
    before.assert_unchanged()


def test_it_refuses_random_binary_as_csv_and_as_xlsx(world, admin):
    rng = random.Random(7)
    junk = b"\x01\x02" + rng.randbytes(64 * 1024)
    before = Snapshot(Region)
    response = post(admin, junk, "data.csv")
    assert response.status_code == 400
    (error,) = errors_of(response)
    assert "编码" in error
    response = post(admin, b"PK\x03\x04" + junk, "data.xlsx")
    assert response.status_code == 400
    assert errors_of(response) == [zh("The file is not a readable XLSX workbook.")]
    with pytest.raises(TableError):
        read_table("data.bin", rng.randbytes(4096).replace(b"PK", b"pk"))
    before.assert_unchanged()


def test_it_refuses_an_empty_file_and_a_header_only_file(world, admin):
    before = Snapshot(Region)
    response = post(admin, b"")  # a zero-byte upload is refused by the upload form
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["提交的是空文件。"]
    for data in (b"\r\n \r\n", "\ufeff".encode(), b",,,\n"):
        response = post(admin, data)
        assert response.status_code == 400, data
        assert errors_of(response) == [zh("The file is empty.")]
    response = post(admin, csv_bytes(ZH_HEADER, []))
    assert response.status_code == 400
    assert errors_of(response) == [zh("The file has a header but no data rows.")]
    response = post(admin, xlsx_bytes(ZH_HEADER, []), "header-only.xlsx")
    assert errors_of(response) == [zh("The file has a header but no data rows.")]
    before.assert_unchanged()


def test_it_refuses_a_50_mb_file_with_a_size_message(world, admin, fifty_mb_csv):
    before = Snapshot(Region)
    response = post(admin, fifty_mb_csv, "big.csv")
    assert response.status_code == 400
    (error,) = errors_of(response)
    assert "50.0" in error and "20" in error  # the file's size and the limit, in MB
    assert error == zh("The file is too large (%(size).1f MB); the limit is %(limit)d MB.",
                       size=len(fifty_mb_csv) / 1024 / 1024, limit=20)
    result = import_file(RegionType, world.user("admin"), "big.csv", fifty_mb_csv, dry_run=False)
    assert result.errors == [error] and not result.created
    before.assert_unchanged()


# --- column problems -----------------------------------------------------------------

def test_it_names_the_missing_required_column(world, admin):
    before = Snapshot(Region)
    data = csv_bytes(["名称", "级别", "上级区划代码"], [["园区", "park", "370281006000"]])
    response = post(admin, data)
    assert response.status_code == 400
    (error,) = errors_of(response)
    with translation.override("zh-hans"):
        code_label = str(RegionType.get_import_form()().fields["code"].label)
    assert error == zh("Missing required column(s): %(columns)s", columns=code_label)
    before.assert_unchanged()


def test_it_names_an_unknown_column(world, admin):
    before = Snapshot(Region)
    response = post(admin, csv_bytes([*ZH_HEADER, "邮编"], [[*park(1), "266300"]]))
    assert response.status_code == 400
    assert errors_of(response) == [zh("Unknown column “%(column)s”.", column="邮编")]
    before.assert_unchanged()


# --- row problems: 第N行 列名: 原因 ---------------------------------------------------

def test_it_reports_an_unknown_parent_code_with_row_and_column(world, admin):
    before = Snapshot(Region)
    rows = [park(1), park(2, parent="370281999000")]
    response = post(admin, csv_bytes(ZH_HEADER, rows))
    assert response.status_code == 400
    (error,) = errors_of(response)
    assert error.startswith(f"{row_label(3)} 上级区划代码: "), error
    assert "370281999000" in error
    before.assert_unchanged()


def test_it_reports_a_duplicate_code_inside_the_file_naming_the_earlier_row(world, admin):
    before = Snapshot(Region)
    rows = [park(1), park(2), [*park(1)[:1], park(1)[1], "park", "370281006000"]]
    rows[2][0] = "重复园区"
    response = post(admin, csv_bytes(ZH_HEADER, rows))
    assert response.status_code == 400
    (error,) = errors_of(response)
    assert error == zh_row_error(4, "区划代码", zh("duplicates row %(other)d in this file", other=2))
    before.assert_unchanged()


def test_it_reports_a_duplicate_code_against_the_database(world, admin):
    before = Snapshot(Region)
    rows = [park(1), ["又一个九龙街道", world.town_a.code, "town", world.district.code]]
    response = post(admin, csv_bytes(ZH_HEADER, rows))
    assert response.status_code == 400
    (error,) = errors_of(response)
    assert error.startswith(f"{row_label(3)} 区划代码: ")
    assert "已存在" in error  # Django's own catalogue
    before.assert_unchanged()


def test_it_refuses_a_formula_in_a_csv_cell(world, admin):
    before = Snapshot(Region)
    rows = [park(1), park(2, name="=1+1"), park(3, name="@SUM(A1)"), park(4, name="+cmd|' /C calc'!A0")]
    response = post(admin, csv_bytes(EN_HEADER, rows))
    assert response.status_code == 400
    errors = errors_of(response)
    assert len(errors) == 3
    for error, row in zip(errors, (3, 4, 5), strict=True):
        assert error.startswith(f"{row_label(row)} name: "), error
    assert errors[0] == zh_row_error(3, "name", zh(
        "the cell contains a formula (starting with “=”); formulas are refused"))
    before.assert_unchanged()


def test_it_refuses_a_real_formula_cell_in_an_xlsx(world, admin):
    before = Snapshot(Region)
    data = xlsx_bytes(ZH_HEADER, [park(1), ["=CONCATENATE(\"园\",\"区\")", "370281006402",
                                            "park", "370281006000"]])
    assert load_workbook(io.BytesIO(data))["Sheet"]["A3"].data_type == "f"
    response = post(admin, data, "regions.xlsx")
    assert response.status_code == 400
    (error,) = errors_of(response)
    assert error == zh_row_error(3, "名称", zh(
        "the cell contains a formula (starting with “=”); formulas are refused"))
    before.assert_unchanged()


def test_it_keeps_spreadsheet_row_numbers_across_blank_lines(world):
    data = csv_bytes(EN_HEADER, [park(1), [], ["", "", "", ""], park(2, parent="370281999000")])
    table = read_table("x.csv", data)
    assert table.row_numbers == [2, 5]
    result = run_import(RegionType, world.user("admin"), table, dry_run=False)
    assert len(result.errors) == 1 and result.errors[0].startswith(f"{row_label(5)} parent: ")
    assert not Region.objects.filter(code__startswith="3702810064").exists()


def test_it_lists_every_bad_row_and_writes_none_of_the_good_ones(world, admin):
    before = Snapshot(Region)
    rows = [park(1), park(2, parent="370281999000"), park(3), ["", "370281006404", "park", ""]]
    response = post(admin, csv_bytes(ZH_HEADER, rows))
    errors = errors_of(response)
    assert len(errors) == 2
    assert errors[0].startswith(f"{row_label(3)} 上级区划代码: ")
    assert errors[1].startswith(f"{row_label(5)} 名称: ")
    before.assert_unchanged()


# --- good files ----------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_it_imports_chinese_headers_in_every_supported_encoding(world, admin, encoding):
    rows = [park(1, name="青岛胶州湾园区"), park(2, name="九龙𠀀园区" if encoding != "gbk" else "九龙园区")]
    audit = ObjectChange.objects.count()
    response = post(admin, csv_bytes(ZH_HEADER, rows, encoding=encoding))
    assert response.status_code == 302, response.context and response.context["result"].errors
    created = Region.objects.filter(code__in=[r[1] for r in rows]).order_by("code")
    assert [r.name for r in created] == [rows[0][0], rows[1][0]]
    assert all(r.parent == world.town_a and r.level == "park" for r in created)
    assert ObjectChange.objects.count() == audit + 2


def test_it_imports_english_headers_and_semicolon_csv(world, admin):
    data = csv_bytes(["Name", "Code", "Level", "parent_code"], [park(1)])
    response = post(admin, data)
    assert response.status_code == 302
    assert Region.objects.get(code=park(1)[1]).parent == world.town_a
    semicolons = "name;code;level;parent\n分号园区;370281006402;park;370281006000\n".encode()
    assert post(admin, semicolons).status_code == 302
    assert Region.objects.filter(name="分号园区").exists()


def test_it_imports_an_xlsx_with_numbers_as_codes(world, admin):
    rows = [park(1), ["数字代码园区", 370281006402, "park", 370281006000]]
    response = post(admin, xlsx_bytes(ZH_HEADER, rows), "regions.xlsx")
    assert response.status_code == 302
    assert Region.objects.get(code="370281006402").parent == world.town_a


def test_it_previews_without_writing(world, admin):
    before = Snapshot(Region)
    response = post(admin, csv_bytes(ZH_HEADER, [park(1), park(2)]), dry_run=True)
    assert response.status_code == 200 and b"data-import-preview" in response.content
    assert response.context["result"].ok
    before.assert_unchanged()


def test_it_refuses_import_to_users_without_add(world):
    before = Snapshot(Region)
    for name in ("readonly", "leader_a", "town_a", "nobody"):
        client = client_for(world, name)
        response = post(client, csv_bytes(ZH_HEADER, [park(1)]))
        assert response.status_code == 403, name
        assert client.get(reverse("regions:region_import")).status_code == 403
    before.assert_unchanged()


@requires_zh_catalogue
def test_it_formats_row_errors_in_chinese(world, admin):
    response = post(admin, csv_bytes(ZH_HEADER, [park(1), park(2, parent="370281999000")]))
    (error,) = errors_of(response)
    assert re.match(r"^第3行 上级区划代码: \S", error), error


def test_it_reports_errors_in_the_users_language(world, admin):
    """Messages follow the language the user chose (not the one active at start-up)."""
    admin.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = post(admin, csv_bytes(EN_HEADER, [park(1), park(2, parent="370281999000")]))
    (error,) = errors_of(response)
    assert error == "Row 3 parent: No region with code “370281999000”.", error
    admin.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    response = post(admin, csv_bytes(EN_HEADER, [park(1), park(2, parent="370281999000")]))
    (error,) = errors_of(response)
    assert error.startswith("第3行 parent: ") and "370281999000" in error, error
