"""Periodic jobs: one job per period and kind, whoever checks and however often."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from lianzhang.core.models import Job
from lianzhang.core.schedule import register_periodic, run_due

pytestmark = pytest.mark.django_db

MONTHLY = {"dashboards.snapshot"}
DAILY = {"projects.reminders", "attraction.lead_reminders"}


def _at(*args: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


def _age(when: datetime.datetime) -> None:
    # Job.created is set on insert; move the jobs to the time the test pretends it is.
    Job.objects.update(created=when)


def test_it_enqueues_each_periodic_job_once_per_period(world):
    first = _at(2026, 3, 10, 12)
    assert set(run_due(first)) == MONTHLY | DAILY
    _age(first)
    assert run_due(first + datetime.timedelta(hours=6)) == []
    assert Job.objects.count() == 3
    next_day = _at(2026, 3, 11, 9)
    assert set(run_due(next_day)) == DAILY  # the month's snapshot is already there
    _age(next_day)
    assert set(run_due(_at(2026, 4, 1, 0, 5))) == MONTHLY | DAILY
    snapshot = Job.objects.filter(kind="dashboards.snapshot").order_by("-pk").first()
    assert snapshot.status == Job.Status.COMPLETED


def test_it_refuses_an_unknown_period():
    with pytest.raises(ValueError, match="weekly"):
        register_periodic("weekly")


def test_it_says_what_the_command_enqueued(world, capsys):
    call_command("run_periodic")
    assert "dashboards.snapshot" in capsys.readouterr().out
    call_command("run_periodic")
    assert "没有到期的定期任务" in capsys.readouterr().out
