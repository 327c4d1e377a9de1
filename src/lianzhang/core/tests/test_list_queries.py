"""List pages fetch what their columns show with the rows: the number of queries does
not grow with the number of rows (no query per row and related column)."""

from datetime import date

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lianzhang.core.tables import related_columns
from lianzhang.enterprises.tables import EnterpriseTable
from lianzhang.enterprises.tests.helpers import make_firm
from lianzhang.projects.models import Project
from lianzhang.projects.tables import ProjectTable
from lianzhang.projects.tests.factories import make_project, make_report


def queries_for(user, path: str) -> tuple[list[str], str]:
    """The SQL a signed-in view of `path` runs, and the page."""
    client = Client()
    client.force_login(user)
    client.get(path)  # sessions, caches: the first view does extra work
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries], response.content.decode()


def test_it_names_the_foreign_keys_a_table_shows():
    assert related_columns(ProjectTable, Project) == ["chain", "investor", "town"]


def test_it_lists_firms_in_the_same_number_of_queries_for_more_rows(world):
    for n in range(2):
        make_firm(f"青岛甲{n}电器有限公司", town=world.town_a if n % 2 else world.town_b)
    few, _ = queries_for(world.user("secretariat"), "/enterprises/enterprises/")
    for n in range(2, 12):
        make_firm(f"青岛乙{n}电器有限公司", town=world.town_a if n % 2 else world.town_b)
    many, page = queries_for(world.user("secretariat"), "/enterprises/enterprises/")
    assert len(many) == len(few)
    assert page.count("九龙街道") >= 6 and page.count("胶西街道") >= 6  # the towns still show
    assert "town" in related_columns(EnterpriseTable, make_firm("青岛丙电器有限公司").__class__)


def test_it_lists_projects_without_the_ledger_columns_only_exports_read(world):
    for n in range(1, 3):
        make_report(make_project(world.town_a, world.chain_a, n), date(2025, n, 1), 100,
                    "approved")
    few, _ = queries_for(world.user("secretariat"), "/projects/projects/")
    for n in range(3, 10):
        make_report(make_project(world.town_b, world.chain_b, n), date(2025, n, 1), 100,
                    "approved")
    many, page = queries_for(world.user("secretariat"), "/projects/projects/")
    assert len(many) == len(few)
    assert page.count("胶西街道") >= 7 and page.count("智能制造装备") >= 7
    # Stages, plans and reports are the export's ledger columns, not the page's.
    for table in ("projects_projectstage", "projects_projectyearplan",
                  "projects_progressreport"):
        assert not any(table in sql for sql in many), table
    exported, _ = queries_for(world.user("secretariat"), "/projects/projects/?export=csv")
    assert any("projects_progressreport" in sql for sql in exported)
