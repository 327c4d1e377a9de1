"""Bad input to the enterprise registry (issue 3): each case is refused with a Chinese
message that names the problem, and nothing — no object, no change record — is written."""

import pytest

from lianzhang.core.testing.helpers import (
    Snapshot,
    api_for,
    client_for,
    csv_bytes,
    requires_zh_catalogue,
    row_label,
)
from lianzhang.enterprises.models import (
    Enterprise,
    EnterpriseName,
    NameReview,
    Product,
    SupplyTie,
)

from .helpers import import_errors, make_firm, post_import, uscc, zh

HEADER = ["统一社会信用代码", "企业名称", "所属镇街", "主营产品", "行业代码"]


@pytest.fixture
def secretariat(world):
    return client_for(world, "secretariat")


def snapshot():
    return Snapshot(Enterprise, EnterpriseName, Product, SupplyTie, NameReview)


def firm_row(world, n, **over):
    row = {"uscc": uscc(n), "name": f"青岛第{n}号精工机械有限公司", "town": world.town_a.name,
           "products": "压缩机:0.6|电机:0.3", "code": "3442"}
    row.update(over)
    return [row["uscc"], row["name"], row["town"], row["products"], row["code"]]


def refused(client, world, rows, *expected):
    """Import `rows`; assert every expected fragment is in the errors and nothing was
    written."""
    snap = snapshot()
    errors = import_errors(post_import(client, csv_bytes(HEADER, rows)))
    text = "\n".join(errors)
    for fragment in expected:
        assert fragment in text, (fragment, text)
    snap.assert_unchanged()
    return text


def test_it_refuses_a_uscc_with_a_wrong_check_character_naming_the_right_one(world,
                                                                              secretariat):
    good = uscc(7)
    wrong = "A" if good[-1] != "A" else "B"
    bad = good[:17] + wrong
    text = refused(secretariat, world, [firm_row(world, 1), firm_row(world, 7, uscc=bad)],
                   f"{row_label(3)} 统一社会信用代码",
                   f"统一社会信用代码第18位校验码错误：应为“{good[-1]}”，实际为“{wrong}”")
    assert row_label(2) not in text  # the good row is not blamed


def test_it_refuses_a_uscc_of_the_wrong_length(world, secretariat):
    refused(secretariat, world, [firm_row(world, 1, uscc=uscc(1)[:17])],
            "统一社会信用代码应为18位，实际为17位")


def test_it_refuses_the_same_uscc_twice_in_one_file_naming_the_earlier_row(world,
                                                                           secretariat):
    rows = [firm_row(world, 1), firm_row(world, 2),
            firm_row(world, 3, uscc=uscc(1), name="青岛另一家机械有限公司")]
    refused(secretariat, world, rows, f"{row_label(4)} 统一社会信用代码",
            zh("duplicates row %(other)d in this file", other=2))


@requires_zh_catalogue
def test_it_refuses_the_same_uscc_twice_with_the_chinese_message(world, secretariat):
    rows = [firm_row(world, 1), firm_row(world, 3, uscc=uscc(1), name="青岛另一家机械有限公司")]
    refused(secretariat, world, rows, "第3行 统一社会信用代码: 与文件第2行重复")


@pytest.mark.parametrize("products,fragment", [
    ("压缩机:-0.2|电机:0.5", "Revenue share of %(product)s is negative."),
    ("压缩机:0.7|电机:0.5", "Revenue shares sum to %(total)s, over 1.05."),
])
def test_it_refuses_bad_revenue_shares_in_the_products_column(world, secretariat, products,
                                                               fragment):
    params = {"product": "压缩机"} if "product" in fragment else {"total": "1.20"}
    refused(secretariat, world, [firm_row(world, 1, products=products)],
            f"{row_label(2)} 主营产品", zh(fragment, **params))


def test_it_refuses_bad_revenue_shares_in_the_product_form_and_api(world, secretariat):
    firm = make_firm("青岛压缩机制造有限公司", world.town_a)
    Product(enterprise=firm, name="压缩机", revenue_share="0.7").save()
    snap = snapshot()
    response = secretariat.post("/enterprises/products/add/", {
        "enterprise": firm.name, "name": "电机", "revenue_share": "-0.1"})
    assert response.status_code == 400
    assert "0" in str(response.context["form"].errors["revenue_share"])
    response = secretariat.post("/enterprises/products/add/", {
        "enterprise": firm.name, "name": "电机", "revenue_share": "0.5"})
    assert response.status_code == 400
    over = zh("The revenue shares of %(firm)s would sum to %(total)s, over 1.05.",
              firm=firm.name, total="1.20")
    assert over in response.context["form"].errors["revenue_share"]
    api = api_for(world, "secretariat")
    response = api.post("/api/enterprises/products/", {
        "enterprise": firm.pk, "name": "电机", "revenue_share": "0.5"}, format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and over in str(response.json())
    response = api.post("/api/enterprises/products/", {
        "enterprise": firm.pk, "name": "电机", "revenue_share": "-0.5"}, format="json")
    assert response.status_code == 400 and "revenue_share" in response.json()
    snap.assert_unchanged()


def test_it_refuses_an_industry_code_of_the_wrong_format(world, secretariat):
    message = zh("“%(code)s” is not a GB/T 4754-2017 code (a letter A–T or 2–4 digits).",
                 code="34A2")
    refused(secretariat, world, [firm_row(world, 1, code="34A2")], f"{row_label(2)} 行业代码",
            message)
    snap = snapshot()
    response = secretariat.post("/enterprises/enterprises/add/", {
        "name": "青岛表单企业有限公司", "status": "existing", "town": world.town_a.pk,
        "industry_code": "C34421"})
    assert response.status_code == 400 and "industry_code" in response.context["form"].errors
    snap.assert_unchanged()


def test_it_refuses_a_supply_tie_from_a_firm_to_itself(world, secretariat):
    firm = make_firm("青岛自供企业有限公司", world.town_a)
    message = zh("A firm cannot supply itself.")
    snap = snapshot()
    response = secretariat.post("/enterprises/supplyties/add/", {
        "supplier": firm.name, "customer": firm.name, "year": 2024})
    assert response.status_code == 400
    assert message in response.context["form"].errors["customer"]
    errors = import_errors(post_import(
        secretariat, csv_bytes(["supplier", "customer", "year"], [[firm.name, firm.name, 2024]]),
        url="/enterprises/supplyties/import/"))
    assert any(row_label(2) in e and message in e for e in errors), errors
    response = api_for(world, "secretariat").post("/api/enterprises/supplyties/", {
        "supplier": firm.pk, "customer": firm.pk, "year": 2024}, format="json")
    assert response.status_code == 400 and message in str(response.json())
    snap.assert_unchanged()
