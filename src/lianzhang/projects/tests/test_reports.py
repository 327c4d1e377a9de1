"""Monthly reports: a town submits the month on one screen (or by Excel), the
secretariat approves; every bad input of issue 6 is refused with its message and
nothing written."""

import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from lianzhang.core.models import ObjectChange
from lianzhang.core.testing.helpers import Snapshot, api_for, client_for, upload
from lianzhang.projects.choices import ReportStatus
from lianzhang.projects.models import ProgressReport, ReportAmendment

from .factories import make_project, make_report

MONTH = "2026-03"
M = date(2026, 3, 1)


@pytest.fixture
def projects(world):
    a1 = make_project(world.town_a, world.chain_a, 1, total=1000, signed=date(2025, 6, 1))
    a2 = make_project(world.town_a, world.chain_b, 2, total=5000, signed=date(2026, 2, 15))
    b1 = make_project(world.town_b, world.chain_b, 3, total=5000, signed=date(2025, 6, 1))
    return a1, a2, b1


def sheet(client, rows, action="submit", month=MONTH):
    """POST the screen as the page's script sends it (one packed field)."""
    packed = {str(pid): {"c": str(c), **extra} for pid, (c, extra) in rows.items()}
    return client.post(f"/projects/monthly/?month={month}",
                       {"sheet": json.dumps(packed), "action": action})


def refused(response, text, snapshot):
    page = response.content.decode()
    assert response.status_code in (400, 403), response.status_code
    assert text in page, page[page.find("data-error"):][:600]
    snapshot.assert_unchanged()


def test_it_lets_a_town_submit_the_month_and_the_secretariat_approve_it(world, projects):
    a1, a2, b1 = projects
    town = client_for(world, "town_a")
    page = town.get(f"/projects/monthly/?month={MONTH}").content.decode()
    assert a1.name in page and a2.name in page and b1.name not in page
    response = sheet(town, {a1.pk: ("120.5", {"p": "主体施工"}), a2.pk: ("0", {})})
    assert response.status_code == 302
    reports = ProgressReport.objects.filter(month=M)
    assert {r.status for r in reports} == {ReportStatus.SUBMITTED} and reports.count() == 2
    assert ObjectChange.objects.filter(user__username="town_a", action="create",
                                       object_repr__contains="2026年3月").count() == 2
    review = client_for(world, "secretariat")
    assert a1.name in review.get(f"/projects/review/?month={MONTH}").content.decode()
    response = review.post(f"/projects/review/?month={MONTH}", {
        "action": "approve", "town": world.town_a.pk, "confirm_town": "1", "count": "2"})
    assert response.status_code == 302
    report = ProgressReport.objects.get(project=a1, month=M)
    assert report.status == ReportStatus.APPROVED and str(report.approved_completed) == "120.50"
    assert ObjectChange.objects.filter(user__username="secretariat", action="update").count() == 2
    # The approved month is locked: a change from the town is refused.
    snapshot = Snapshot(ProgressReport)
    response = town.post(f"/projects/projects/{a1.pk}/", {})  # detail is GET-only
    response = town.post(f"/projects/progressreports/{report.pk}/edit/", {
        "project": a1.code, "month": MONTH, "completed": "99", "progress": ""})
    refused(response, "已审核锁定", snapshot)


def test_it_saves_the_screen_without_the_script_too(world, projects):
    a1, a2, _b1 = projects
    response = client_for(world, "town_a").post(f"/projects/monthly/?month={MONTH}", {
        f"c-{a1.pk}": "10", f"p-{a1.pk}": "设备安装", f"c-{a2.pk}": "", "action": "save"})
    assert response.status_code == 302
    (report,) = ProgressReport.objects.all()
    assert (report.project, report.status, report.progress) == (a1, "draft", "设备安装")


def test_it_refuses_a_month_before_signing(world, projects):
    _a1, a2, _b1 = projects
    snapshot = Snapshot(ProgressReport)
    response = sheet(client_for(world, "town_a"), {a2.pk: ("10", {})}, month="2026-01")
    refused(response, "2026年1月早于项目签约日期（2026-02-15）", snapshot)


def test_it_refuses_a_negative_figure_without_a_reason(world, projects):
    a1, _a2, _b1 = projects
    client = client_for(world, "town_a")
    snapshot = Snapshot(ProgressReport)
    refused(sheet(client, {a1.pk: ("-50", {})}, "save"), "须填写更正原因", snapshot)
    assert sheet(client, {a1.pk: ("-50", {"r": "上月多报冲回"})}, "save").status_code == 302


def test_it_records_an_acknowledged_overrun_and_refuses_an_unacknowledged_one(world, projects):
    a1, _a2, _b1 = projects
    make_report(a1, date(2026, 1, 1), 900, ReportStatus.APPROVED)
    client = client_for(world, "town_a")
    snapshot = Snapshot(ProgressReport)
    refused(sheet(client, {a1.pk: ("200", {})}), "将超过总投资", snapshot)
    assert sheet(client, {a1.pk: ("200", {"a": "1"})}).status_code == 302
    report = ProgressReport.objects.get(project=a1, month=M)
    assert report.overrun_acknowledged
    change = ObjectChange.objects.get(object_id=str(report.pk), action="create",
                                      content_type__model="progressreport")
    assert change.postchange_data["overrun_acknowledged"] is True


def test_it_refuses_a_second_report_for_the_same_month(world, projects):
    a1, _a2, _b1 = projects
    make_report(a1, M, 10)
    snapshot = Snapshot(ProgressReport)
    data = {"project": a1.code, "month": MONTH, "completed": "20", "progress": ""}
    refused(client_for(world, "town_a").post("/projects/progressreports/add/", data),
            "已有2026年3月的月报", snapshot)
    response = api_for(world, "secretariat").post("/api/projects/progressreports/", {
        "project": a1.pk, "month": "2026-03-01", "completed": "20"}, format="json")
    assert response.status_code == 400
    snapshot.assert_unchanged()


def test_it_refuses_another_towns_project(world, projects):
    a1, _a2, b1 = projects
    snapshot = Snapshot(ProgressReport)
    response = sheet(client_for(world, "town_a"), {a1.pk: ("10", {}), b1.pk: ("10", {})})
    refused(response, "不在您的权限范围内", snapshot)


def test_it_refuses_approval_by_a_town_user(world, projects):
    a1, _a2, _b1 = projects
    report = make_report(a1, M, 10, ReportStatus.SUBMITTED)
    snapshot = Snapshot(ProgressReport)
    response = client_for(world, "town_a").post(f"/projects/review/?month={MONTH}",
                                                {"action": "approve", "report": report.pk})
    refused(response, "只有秘书处可以审核或退回月报", snapshot)
    assert ProgressReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_it_returns_with_a_comment_only(world, projects):
    a1, _a2, _b1 = projects
    report = make_report(a1, M, 10, ReportStatus.SUBMITTED)
    client = client_for(world, "secretariat")
    snapshot = Snapshot(ProgressReport)
    refused(client.post(f"/projects/review/?month={MONTH}", {"action": "return",
                                                            "report": report.pk}),
            "退回月报须填写意见", snapshot)
    client.post(f"/projects/review/?month={MONTH}", {"action": "return", "report": report.pk,
                                                    "comment": "形象进度不具体"})
    report.refresh_from_db()
    assert (report.status, report.review_comment) == ("returned", "形象进度不具体")
    page = client_for(world, "town_a").get(f"/projects/monthly/?month={MONTH}").content.decode()
    assert "形象进度不具体" in page and f'name="c-{a1.pk}"' in page  # editable again


def test_it_takes_the_excel_sheet_and_writes_nothing_when_a_row_fails(world, projects):
    a1, a2, _b1 = projects
    client = client_for(world, "town_a")
    book = load_workbook(io.BytesIO(client.get(
        f"/projects/monthly/?month={MONTH}&format=xlsx").content))
    rows = [[c.value for c in row] for row in book.active.iter_rows()]
    assert rows[0][:3] == ["项目编号", "项目名称", "本月完成投资（万元）"]
    by_code = {r[0]: i for i, r in enumerate(rows)}
    rows[by_code[a1.code]][2], rows[by_code[a2.code]][2] = 30, "abc"
    from lianzhang.core.testing.helpers import xlsx_bytes

    snapshot = Snapshot(ProgressReport)
    response = client.post(f"/projects/monthly/?month={MONTH}", {
        "file": upload(xlsx_bytes(rows[0], rows[1:]), "sheet.xlsx"), "action": "submit"})
    refused(response, f"第{by_code[a2.code] + 1}行", snapshot)
    rows[by_code[a2.code]][2] = 0
    response = client.post(f"/projects/monthly/?month={MONTH}", {
        "file": upload(xlsx_bytes(rows[0], rows[1:]), "sheet.xlsx"), "action": "submit"})
    assert response.status_code == 302
    assert ProgressReport.objects.get(project=a1, month=M).completed == 30


def test_it_corrects_an_approved_month_by_an_approved_amendment(world, projects):
    a1, _a2, _b1 = projects
    report = make_report(a1, M, 100, ReportStatus.APPROVED)
    town = client_for(world, "town_a")
    snapshot = Snapshot(ReportAmendment)
    refused(town.post("/projects/reportamendments/add/", {"report": report.pk,
                                                          "completed": "80", "reason": ""}),
            "更正须填写原因", snapshot)
    assert town.post("/projects/reportamendments/add/", {
        "report": report.pk, "completed": "80", "reason": "重复计入设备款"}).status_code == 302
    amendment = ReportAmendment.objects.get()
    report.refresh_from_db()
    assert report.approved_completed == 100  # counts once approved
    client_for(world, "secretariat").post(f"/projects/review/?month={MONTH}", {
        "action": "approve_amendment", "amendment": amendment.pk})
    report.refresh_from_db()
    assert report.approved_completed == 80 and report.completed == 100


def test_it_lists_missing_reports_after_the_due_day(world, projects, settings):
    a1, a2, b1 = projects
    make_report(a1, M, 10, ReportStatus.SUBMITTED)
    out = io.StringIO()
    call_command("project_reminders", "--month", MONTH, stdout=out)
    text = out.getvalue()
    assert "九龙街道 2026年3月" in text and a2.name in text and a1.name not in text
    assert "胶西街道" in text and b1.name in text
    settings.LIANZHANG_REPORT_DUE_DAY = 15
    from lianzhang.projects.reminders import due_date, overdue_month

    assert due_date(M) == date(2026, 4, 15)
    assert overdue_month(date(2026, 4, 16)) == M and overdue_month(date(2026, 4, 15)) < M


def test_it_sums_months_to_the_cent_and_shows_the_sums_so(world, projects):
    a1 = projects[0]
    make_report(a1, date(2025, 12, 1), "0.10", ReportStatus.APPROVED)
    make_report(a1, date(2026, 1, 1), "0.20", ReportStatus.APPROVED)
    make_report(a1, date(2026, 2, 1), "63728.67", ReportStatus.APPROVED)
    # SQLite adds decimals as floats: without MoneySum this read 63728.9700000000.
    assert str(a1.cumulative()) == "63728.97"
    page = client_for(world, "town_a").get(f"/projects/monthly/?month={MONTH}").content.decode()
    row = page.split(f'data-project="{a1.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "63728.97" in row and "63728.970" not in row


def test_it_approves_a_whole_town_only_after_a_confirmation_naming_it(world, projects):
    a1, a2, b1 = projects
    for project in (a1, a2, b1):
        make_report(project, M, 10, ReportStatus.SUBMITTED)
    review = client_for(world, "secretariat")
    url = f"/projects/review/?month={MONTH}"
    snapshot = Snapshot(ProgressReport)
    response = review.post(url, {"action": "approve", "town": world.town_a.pk})
    refused(response, f"未勾选任何月报：此操作将审核通过{world.town_a}2026年3月全部 2 份", snapshot)
    page = response.content.decode()
    assert "data-confirm-town" in page and 'name="confirm_town" value="1"' in page
    assert f"确认通过{world.town_a}全部 2 份月报" in page
    # A confirmation for another number of reports (one submitted since) approves nothing.
    refused(review.post(url, {"action": "approve", "town": world.town_a.pk,
                              "confirm_town": "1", "count": "1"}), "未勾选任何月报", snapshot)
    assert set(ProgressReport.objects.values_list("status", flat=True)) == {"submitted"}
    response = review.post(url, {"action": "approve", "town": world.town_a.pk,
                                 "confirm_town": "1", "count": "2"})
    assert response.status_code == 302
    status = dict(ProgressReport.objects.values_list("project_id", "status"))
    assert status == {a1.pk: "approved", a2.pk: "approved", b1.pk: "submitted"}
    # Ticked reports need no confirmation: the ticks are the choice.
    assert review.post(url, {"action": "approve", "report": [
        ProgressReport.objects.get(project=b1).pk]}).status_code == 302
    assert ProgressReport.objects.get(project=b1).status == "approved"
