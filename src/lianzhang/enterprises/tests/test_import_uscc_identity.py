"""A row carrying a registered firm's USCC updates that firm, even when an earlier row
of the same file added a look-alike (same trade, near-identical or even the same name
under another USCC): the USCC is the firm's legal identity. (It used to be taken as
ambiguous or as the look-alike, then as a new firm, and the import refused the
duplicate USCC.)"""

from lianzhang.core.testing.helpers import client_for, csv_bytes
from lianzhang.enterprises.models import Enterprise

from .helpers import make_firm, post_import, uscc

HEADER = ["统一社会信用代码", "企业名称", "所属镇街", "登记状态"]


def test_it_updates_the_firm_with_the_rows_uscc_despite_a_look_alike_added_before(world):
    registered = make_firm("青岛富崇发制品有限公司", world.town_a, uscc=uscc(1))
    rows = [[uscc(2), "青岛富荣发制品有限公司", world.town_a.name, "存续"],
            [uscc(1), "青岛富崇发制品有限公司", world.town_a.name, "在业"]]
    response = post_import(client_for(world, "secretariat"), csv_bytes(HEADER, rows))
    assert response.status_code == 302, response.context["result"].errors
    registered.refresh_from_db()
    assert registered.status == "operating"
    assert Enterprise.objects.filter(name__endswith="发制品有限公司").count() == 2


def test_it_updates_the_firm_with_the_rows_uscc_despite_a_namesake_added_before(world):
    registered = make_firm("澳柯玛股份有限公司", world.town_a, uscc=uscc(1))
    rows = [[uscc(2), "澳柯玛股份有限公司", world.town_a.name, "存续"],
            [uscc(1), "澳柯玛股份有限公司", world.town_a.name, "在业"]]
    response = post_import(client_for(world, "secretariat"), csv_bytes(HEADER, rows))
    assert response.status_code == 302, response.context["result"].errors
    registered.refresh_from_db()
    assert registered.status == "operating"
    assert sorted(Enterprise.objects.filter(name="澳柯玛股份有限公司").values_list(
        "uscc", flat=True)) == sorted([uscc(1), uscc(2)])
