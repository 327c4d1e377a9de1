"""The stage machine: forward only, dates in order (no 开工 before 签约), passed-over
stages only with a reason, 终止 with a reason; every transition audited."""

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from lianzhang.core.context import change_context
from lianzhang.core.models import ObjectChange
from lianzhang.core.testing.helpers import Snapshot, client_for
from lianzhang.projects import workflow
from lianzhang.projects.models import Project, ProjectStage

from .factories import make_project


@pytest.fixture
def project(world):
    return make_project(world.town_a, world.chain_a, 1, signed=None)


def refused(project, stage, on, reason="", text=""):
    snapshot = Snapshot(Project, ProjectStage)
    with pytest.raises(ValidationError) as exc:
        workflow.advance(project, stage, on, reason)
    snapshot.assert_unchanged()
    assert text in " ".join(exc.value.messages), exc.value.messages


def test_it_refuses_construction_start_before_signing(project):
    refused(project, "started", date(2025, 5, 1), text="项目未签约不能进入“开工”阶段")
    workflow.advance(project, "signed", date(2025, 3, 1))
    refused(project, "started", date(2025, 2, 1),
            text="“开工”日期（2025-02-01）早于“签约”日期（2025-03-01）")
    workflow.advance(project, "started", date(2025, 4, 1))
    assert Project.objects.get(pk=project.pk).stage == "started"


def test_it_allows_skipping_only_with_a_recorded_reason(project):
    workflow.advance(project, "signed", date(2025, 3, 1))
    refused(project, "producing", date(2025, 9, 1), text="跳过了开工、竣工")
    workflow.advance(project, "producing", date(2025, 9, 1), reason="收购已建成厂房直接投产")
    rows = {s.stage: s for s in project.stages.all()}
    assert rows["started"].skipped and rows["completed"].skipped
    assert rows["started"].reason == "收购已建成厂房直接投产"
    assert rows["producing"].actual_date == date(2025, 9, 1)


def test_it_refuses_moving_back_future_dates_and_terminating_without_reason(project):
    workflow.advance(project, "signed", date(2025, 3, 1))
    refused(project, "signed", date(2025, 4, 1), text="已处于“签约”阶段")
    refused(project, "started", date(2099, 1, 1), text="晚于今天")
    refused(project, "terminated", date(2025, 6, 1), text="终止项目须填写原因")
    workflow.advance(project, "terminated", date(2025, 6, 1), reason="投资方撤资")
    refused(project, "started", date(2025, 7, 1), text="项目已终止")
    assert project.stages.get(stage="terminated").reason == "投资方撤资"


def test_it_audits_every_transition_through_the_page(world, project):
    client = client_for(world, "town_a")
    url = f"/projects/projects/{project.pk}/transition/"
    client.post(url, {"stage": "signed", "on": "2025-03-01"})
    page = client.post(url, {"stage": "completed", "on": "2025-02-01"}, follow=True)
    assert "跳过了开工" in page.content.decode() or "早于" in page.content.decode()
    assert '<select name="stage" class="form-select"' in page.content.decode()  # styled
    assert Project.objects.get(pk=project.pk).stage == "signed"
    changes = ObjectChange.objects.filter(
        content_type=ContentType.objects.get_for_model(ProjectStage), user__username="town_a")
    assert changes.filter(action="create").count() == 1
    project_changes = ObjectChange.objects.filter(
        content_type=ContentType.objects.get_for_model(Project), object_id=str(project.pk),
        action="update", user__username="town_a")
    assert project_changes.get().postchange_data["stage"] == "signed"
    # Another town's officer cannot move it (404: not in scope).
    assert client_for(world, "town_b").post(url, {"stage": "started",
                                                  "on": "2025-04-01"}).status_code == 404


def test_it_refuses_planned_dates_out_of_order(project):
    with change_context(actor="test"):
        workflow.set_planned(project, {"started": date(2026, 3, 1)})
        with pytest.raises(ValidationError) as exc:
            workflow.set_planned(project, {"completed": date(2026, 1, 1)})
    assert "计划日期" in exc.value.messages[0]
