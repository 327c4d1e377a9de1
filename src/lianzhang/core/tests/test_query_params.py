"""Query parameters that do not fit answer 400 with a clear Chinese message: lists,
the API's pagination and filters, and the pages that read their own parameters."""

from __future__ import annotations

from datetime import date

from lianzhang.core.params import MAX_PAGE_SIZE, parse_id
from lianzhang.core.testing.helpers import Snapshot, api_for, client_for
from lianzhang.projects.choices import ReportStatus
from lianzhang.projects.models import ProgressReport
from lianzhang.projects.tests.factories import make_project, make_report
from lianzhang.regions.models import Region

MIN_ONE = "确保该值大于或等于1。"
INVALID_CHOICE = "选择一个有效的选项"


def _parks(world, n):
    for i in range(n):
        Region.objects.create(name=f"测试园区{i}", code=f"3702810069{i:02d}", level="park",
                              parent=world.town_a)


def test_it_shows_an_invalid_list_filter_as_400_with_its_messages(world):
    _parks(world, 2)
    client = client_for(world, "secretariat")
    response = client.get("/regions/regions/", {"parent": "九龙", "per_page": "-1"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "地址中的部分参数无法使用" in page
    assert 'data-invalid-param="per_page"' in page and MIN_ONE in page
    assert 'data-invalid-param="parent"' in page and INVALID_CHOICE in page
    assert "lz-list" not in page  # no table of rows under a filter that was not applied
    assert 'name="parent"' in page  # the filter form stays, to correct the value
    export = client.get("/regions/regions/", {"parent": "九龙", "export": "csv"})
    assert export.status_code == 400 and "Content-Disposition" not in export


def test_it_serves_a_page_size_above_the_maximum_as_the_maximum(world):
    _parks(world, 3)
    client = client_for(world, "secretariat")
    response = client.get("/regions/regions/", {"per_page": str(10**30)})
    assert response.status_code == 200
    assert response.context["table"].paginator.per_page == MAX_PAGE_SIZE
    last = client.get("/regions/regions/", {"per_page": "2", "page": "999"})
    assert last.status_code == 200 and last.context["table"].page.number == 4  # 7 regions
    assert client.get("/regions/regions/", {"page": "abc"}).status_code == 400


def test_it_refuses_bad_api_pagination_and_caps_the_limit(world):
    _parks(world, 3)
    api = api_for(world, "secretariat")
    response = api.get("/api/regions/regions/", {"limit": "-1"})
    assert response.status_code == 400 and MIN_ONE in response.json()["limit"][0]
    response = api.get("/api/regions/regions/", {"offset": str(2**63)})
    assert response.status_code == 400 and "offset" in response.json()
    response = api.get("/api/regions/regions/", {"offset": "abc"})
    assert response.status_code == 400 and response.json()["offset"] == ["输入整数。"]
    response = api.get("/api/regions/regions/", {"limit": str(10**30), "offset": "1"})
    assert response.status_code == 200
    assert f"limit={MAX_PAGE_SIZE}" in response.json()["previous"]


def test_it_refuses_ids_and_numbers_beyond_64_bits_in_api_filters(world):
    api = api_for(world, "secretariat")
    for url, key, value in (("/api/enterprises/parks/", "chains", str(2**63)),
                            ("/api/attraction/recommendations/", "chain", str(10**30)),
                            ("/api/attraction/recommendations/", "chain", "1.5"),
                            ("/api/enterprises/yearlyfigures/", "year", str(-2**63 - 1))):
        response = api.get(url, {key: value})
        assert response.status_code == 400, (url, key, value)
        assert list(response.json()) == [key]
    assert api.get("/api/enterprises/yearlyfigures/", {"year": "2024"}).status_code == 200


def test_it_answers_a_bad_roll_up_year_or_day_with_400_in_chinese(world):
    client = client_for(world, "secretariat")
    response = client.get("/projects/rollup/", {"year": "-1"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "参数有误" in page and "确保该值大于或等于1900。" in page
    response = client.get("/projects/alerts/", {"as_of": "2024-13-45"})
    assert response.status_code == 400 and "输入一个有效的日期。" in response.content.decode()
    response = client.get("/projects/rollup/", {"as_of": "0001-01-01", "by": "year"})
    assert response.status_code == 400
    assert "请输入 1900 年至 2100 年之间的日期。" in response.content.decode()
    assert client.get("/projects/rollup/", {"year": "2025", "by": "town"}).status_code == 200


def test_it_refuses_a_bad_month_on_the_monthly_sheet_and_saves_nothing(world):
    project = make_project(world.town_a, world.chain_a, 1)
    before = Snapshot(ProgressReport)
    response = client_for(world, "town_a").post("/projects/monthly/?month=0000-01", {
        f"c-{project.pk}": "10", f"p-{project.pk}": "设备安装", "action": "submit"})
    assert response.status_code == 400
    assert "“0000-01”不是有效月份" in response.content.decode()
    before.assert_unchanged()


def test_it_refuses_posted_ids_that_are_not_ids_without_deciding_anything(world):
    project = make_project(world.town_a, world.chain_a, 1)
    report = make_report(project, date(2025, 2, 1), 100, ReportStatus.SUBMITTED)
    before = Snapshot(ProgressReport)
    response = client_for(world, "secretariat").post(
        "/projects/review/?month=2025-02",
        {"action": "approve", "report": [str(2**64), "²"], "town": "9" * 30})
    assert response.status_code == 400
    assert "请选择要审核的月报" in response.content.decode()
    before.assert_unchanged()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert [parse_id(v) for v in ("12", " 7 ", "-1", "1.0", "²", str(2**63))] == [12, 7, 0, 0,
                                                                                0, 0]


def test_it_refuses_an_empty_admin_to_field_instead_of_failing(world):
    admin_user = world.user("admin")
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client = client_for(world, "admin")
    response = client.get(f"/admin/users/user/{admin_user.pk}/change/", {"_to_field": ""})
    assert response.status_code == 400 and "请输入字段名。" in response.content.decode()
    assert client.get(f"/admin/users/user/{admin_user.pk}/change/").status_code == 200
