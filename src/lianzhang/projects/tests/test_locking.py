"""No lost updates on projects: two people editing the same project (page or API),
a stage move decided on a stale page, a monthly sheet opened before someone else
(or the review, a bulk write) changed its reports. The later write is refused with
who changed what and a link to the change record; nothing is written."""

import json
from datetime import date

import pytest
from django.urls import reverse

from lianzhang.core.context import change_context
from lianzhang.core.models import ObjectChange
from lianzhang.core.testing.helpers import (
    Snapshot,
    api_for,
    client_for,
    form_post_data,
    requires_zh_catalogue,
)
from lianzhang.projects.choices import ReportStatus, Stage
from lianzhang.projects.models import ProgressReport, Project, ProjectStage
from lianzhang.projects.reporting import return_reports

from .factories import make_project, make_report

pytestmark = requires_zh_catalogue


@pytest.fixture
def project(world):
    return make_project(world.town_a, world.chain_a, 1, total=1000, signed=date(2025, 6, 1))


def updates_of(obj):
    return ObjectChange.objects.for_object(obj).filter(action="update")


def change_link(obj):
    return reverse("core:change", args=[updates_of(obj).first().pk])


def test_it_refuses_the_second_of_two_users_saving_the_same_project_page(world, project):
    url = reverse("projects:project_edit", args=[project.pk])
    first, second = client_for(world, "secretariat"), client_for(world, "town_a")
    first_data = form_post_data(first.get(url).context["form"])
    second_data = form_post_data(second.get(url).context["form"])
    records = updates_of(project).count()
    assert first.post(url, {**first_data, "name": "第一位的名称"}).status_code == 302
    response = second.post(url, {**second_data, "total_investment": "2000"})
    assert response.status_code == 409
    page = response.content.decode()
    assert change_link(project) in page and "secretariat" in page and "未保存任何内容" in page
    assert response.context["form"]["total_investment"].value() == "2000"  # input kept
    stored = Project.objects.get(pk=project.pk)
    assert (stored.name, stored.total_investment) == ("第一位的名称", 1000)
    assert updates_of(project).count() == records + 1


def test_it_refuses_the_second_of_two_api_clients_updating_the_same_project(world, project):
    url = f"/api/projects/projects/{project.pk}/"
    first, second = api_for(world, "secretariat"), api_for(world, "town_a")
    tags = [first.get(url)["ETag"], second.get(url)["ETag"]]
    records = updates_of(project).count()
    response = first.patch(url, {"name": "接口第一位"}, format="json", HTTP_IF_MATCH=tags[0])
    assert response.status_code == 200 and response["ETag"] != tags[0]
    response = second.patch(url, {"total_investment": "2000"}, format="json",
                            HTTP_IF_MATCH=tags[1])
    assert response.status_code == 412
    body = response.json()
    assert "secretariat" in body["detail"] and body["change_url"] == change_link(project)
    # The same with the revision in the payload instead of If-Match: 409.
    response = second.put(url, {**first.get(url).json(), "revision": 1,
                                "total_investment": "2000"}, format="json")
    assert response.status_code == 409
    stored = Project.objects.get(pk=project.pk)
    assert (stored.name, stored.total_investment) == ("接口第一位", 1000)
    assert updates_of(project).count() == records + 1


def test_it_refuses_a_stage_move_decided_on_a_stale_project_page(world, project):
    client = client_for(world, "town_a")
    form = client.get(project.get_absolute_url()).context["transition_form"]
    shown = form["revision"].value()
    other = Project.objects.get(pk=project.pk)
    other.responsible_person = "李主任"
    other.save()
    snapshot = Snapshot(Project, ProjectStage)
    response = client.post(reverse("projects:project_transition", args=[project.pk]), {
        "stage": Stage.STARTED, "on": "2025-07-01", "revision": shown}, follow=True)
    text = " ".join(str(m) for m in response.context["messages"])
    assert "阶段未变更" in text and change_link(project) in text
    snapshot.assert_unchanged()
    assert Project.objects.get(pk=project.pk).stage == Stage.SIGNED
    response = client.post(reverse("projects:project_transition", args=[project.pk]), {
        "stage": Stage.STARTED, "on": "2025-07-01", "revision": other.revision})
    assert Project.objects.get(pk=project.pk).stage == Stage.STARTED


def sheet_post(client, month, rows):
    return client.post(f"/projects/monthly/?month={month}&town={rows['town']}",
                       {"sheet": json.dumps(rows["cells"]), "action": "save"})


def test_it_refuses_a_stale_monthly_sheet_row_changed_by_a_bulk_review(world, project):
    report = make_report(project, date(2025, 7, 1), 10, ReportStatus.SUBMITTED)
    town = client_for(world, "town_a")
    page = town.get(f"/projects/monthly/?month=2025-07&town={world.town_a.pk}").content.decode()
    shown = report.revision
    assert f'name="v-{project.pk}"' not in page  # a submitted month is locked on the sheet
    with change_context(user=world.user("secretariat")):  # the review: an audited bulk write
        return_reports(world.user("secretariat"), [report], "请补充形象进度")
    returned = ProgressReport.objects.get(pk=report.pk)
    assert returned.revision == shown + 1
    # The town's sheet, opened now, carries the new revision; a copy from before does not.
    page = town.get(f"/projects/monthly/?month=2025-07&town={world.town_a.pk}").content.decode()
    assert f'name="v-{project.pk}" value="{returned.revision}"' in page
    snapshot = Snapshot(ProgressReport)
    response = sheet_post(town, "2025-07", {"town": world.town_a.pk, "cells": {
        str(project.pk): {"c": "12", "v": str(shown)}}})
    assert response.status_code == 400
    page = response.content.decode()
    assert change_link(returned) in page and "secretariat" in page
    snapshot.assert_unchanged()
    assert ProgressReport.objects.get(pk=report.pk).completed == 10
    response = sheet_post(town, "2025-07", {"town": world.town_a.pk, "cells": {
        str(project.pk): {"c": "12", "v": str(returned.revision)}}})
    assert response.status_code == 302
    assert ProgressReport.objects.get(pk=report.pk).completed == 12


def test_it_refuses_a_sheet_row_for_a_report_someone_created_after_it_was_opened(world,
                                                                                 project):
    town = client_for(world, "town_a")
    report = make_report(project, date(2025, 8, 1), 30)  # saved by someone else meanwhile
    snapshot = Snapshot(ProgressReport)
    response = sheet_post(town, "2025-08", {"town": world.town_a.pk, "cells": {
        str(project.pk): {"c": "5", "v": "0"}}})  # the page had no report for this row
    assert response.status_code == 400
    created = ObjectChange.objects.for_object(report).get()
    assert reverse("core:change", args=[created.pk]) in response.content.decode()
    snapshot.assert_unchanged()
