"""An approved monthly report is kept for good: no path deletes it (the delete page,
the API, Django's admin machinery, a queryset, deleting its project), whoever asks,
system administrators included; the refusal points to the amendment path. Reports
not yet approved are still deleted as before."""

from datetime import date

import pytest
from django.contrib.admin.utils import NestedObjects
from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse

from lianzhang.core.models import DeletionRefused, protection_message
from lianzhang.core.testing.helpers import Snapshot, api_for, client_for, requires_zh_catalogue
from lianzhang.projects.choices import ReportStatus
from lianzhang.projects.models import ProgressReport, Project, ReportAmendment

from .factories import make_project, make_report

pytestmark = requires_zh_catalogue

KEPT = "已审核"  # both messages say the month is approved …
AMEND = "月报更正"  # … and name the way to correct it


@pytest.fixture
def approved(world):
    project = make_project(world.town_a, world.chain_a, 1, total=1000, signed=date(2025, 6, 1))
    make_report(project, date(2025, 7, 1), 10, ReportStatus.DRAFT)
    return make_report(project, date(2025, 6, 1), 50, ReportStatus.APPROVED)


def messages_of(response):
    return " ".join(str(m) for m in response.context["messages"])


@pytest.mark.parametrize("user", ["admin", "secretariat"])
def test_it_refuses_the_delete_page_for_an_approved_report(world, approved, user):
    client = client_for(world, user)
    url = reverse("projects:progressreport_delete", args=[approved.pk])
    page = client.get(url).content.decode()  # says so up front, without a delete button
    assert "data-refusal" in page and AMEND in page and "btn-danger" not in page
    snapshot = Snapshot(ProgressReport, ReportAmendment)
    response = client.post(url, {"revision": approved.revision}, follow=True)
    text = messages_of(response)
    assert KEPT in text and AMEND in text, text
    snapshot.assert_unchanged()
    assert ProgressReport.objects.filter(pk=approved.pk).exists()


def test_it_refuses_the_api_delete_of_an_approved_report(world, approved):
    api = api_for(world, "admin")
    snapshot = Snapshot(ProgressReport)
    response = api.delete(f"/api/projects/progressreports/{approved.pk}/")
    assert response.status_code == 400
    assert KEPT in response.json()["detail"] and AMEND in response.json()["detail"]
    snapshot.assert_unchanged()


def test_it_refuses_deleting_the_project_of_an_approved_report_on_page_and_api(world, approved):
    project = approved.project
    snapshot = Snapshot(Project, ProgressReport)
    response = client_for(world, "admin").post(
        reverse("projects:project_delete", args=[project.pk]), {"revision": project.revision},
        follow=True)
    text = messages_of(response)
    assert KEPT in text and AMEND in text and "2025年6月" in text, text
    response = api_for(world, "admin").delete(f"/api/projects/projects/{project.pk}/")
    assert response.status_code == 400 and AMEND in response.json()["detail"]
    snapshot.assert_unchanged()


def test_it_shows_the_report_as_protected_in_django_admin_and_refuses_bulk_deletes(
        world, approved):
    # The admin's delete confirmation collects with NestedObjects: a protected object
    # there means the admin refuses the deletion instead of cascading.
    collector = NestedObjects(using="default")
    collector.collect([approved.project])
    assert approved in collector.protected
    snapshot = Snapshot(Project, ProgressReport)
    # The admin's "delete selected" action (and any other code) deletes querysets.
    with pytest.raises(DeletionRefused) as caught, transaction.atomic():
        ProgressReport.objects.filter(pk=approved.pk).delete()
    assert AMEND in protection_message(str(approved), caught.value)
    with pytest.raises(ProtectedError) as caught, transaction.atomic():
        Project.objects.filter(pk=approved.project_id).delete()
    assert set(caught.value.protected_objects) == {approved}
    assert AMEND in protection_message(str(approved.project), caught.value)
    with pytest.raises(DeletionRefused), transaction.atomic():
        ProgressReport.objects.get(pk=approved.pk).delete()
    snapshot.assert_unchanged()


def test_it_checks_the_stored_status_not_a_stale_copy(world, approved):
    copy = ProgressReport.objects.get(pk=approved.pk)
    copy.status = ReportStatus.DRAFT  # an old copy from before the approval
    with pytest.raises(DeletionRefused), transaction.atomic():
        copy.delete()
    assert ProgressReport.objects.filter(pk=approved.pk).exists()


def test_it_still_deletes_reports_not_yet_approved_and_projects_without_approved_months(world):
    project = make_project(world.town_b, world.chain_b, 2, total=1000, signed=date(2025, 6, 1))
    draft = make_report(project, date(2025, 6, 1), 5, ReportStatus.SUBMITTED)
    api = api_for(world, "admin")
    assert api.delete(f"/api/projects/progressreports/{draft.pk}/").status_code == 204
    make_report(project, date(2025, 7, 1), 5, ReportStatus.RETURNED)
    assert api.delete(f"/api/projects/projects/{project.pk}/").status_code == 204
    assert not ProgressReport.objects.filter(project_id=project.pk).exists()
