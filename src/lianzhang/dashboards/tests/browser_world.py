"""What the browser tests of the whole site share: a small world with something on every
page they visit, names that may carry markup, and a recorder of Content-Security-Policy
violations.

The world is the dashboards' chain world (a published 智能家电 map with firms, links,
masters and supply ties) plus a signed project with reports, a lead on a gap, a link
waiting for review and two snapshots. `names` renames the chain, town A, the 电机 node,
firm 甲 (linked to 电机), the project and the lead's firm and summary."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from chainkit.projects import add_months
from lianzhang.attraction.tests.helpers import make_lead, outside_firm
from lianzhang.dashboards.models import ChainSnapshot
from lianzhang.mapping.choices import LinkStatus
from lianzhang.mapping.models import NodeLink
from lianzhang.projects.choices import ReportStatus
from lianzhang.projects.tests.factories import make_project, make_report

from .conftest import build_chain_world

__all__ = ["Names", "seed", "watch_violations", "violations"]


@dataclass
class Names:
    """The names the seeded objects get."""

    chain: str = "智能家电"
    town: str = "九龙街道"
    node: str = "电机"
    firm: str = "青岛甲电机有限公司"
    project: str = "测试项目1"
    lead_firm: str = "宁波海岳压缩机制造有限公司"
    lead: str = "招商项目1"


def seed(world: Any, names: Names) -> dict[str, Any]:
    """The chain world with these names, plus a project, a lead, a queued link and
    snapshots; returns the objects the tests visit."""
    chain_world = build_chain_world(world, motor=names.node)
    admin = world.user("admin")  # may use the Django admin, as the demo city's administrator
    admin.is_staff = admin.is_superuser = True
    admin.save()
    chain, town = world.chain_a, world.town_a
    chain.name = names.chain
    chain.save()
    town.name = names.town
    town.save()
    node = chain_world["nodes"]["电机"]
    firm = chain_world["firms"]["motor_a"]
    firm.name = names.firm
    firm.save()

    last_month = add_months(timezone.localdate().replace(day=1), -1)
    project = make_project(town, chain, 1, signed=datetime.date(2024, 1, 1))
    project.name = names.project
    project.save()
    approved = add_months(last_month, -1)
    make_report(project, approved, 300, ReportStatus.APPROVED)
    make_report(project, last_month, 200, ReportStatus.SUBMITTED)

    lead = make_lead(town, chain, 1, enterprise=outside_firm(1, name=names.lead_firm),
                     summary=names.lead)
    NodeLink.objects.create(enterprise=firm, node=chain_world["nodes"]["压缩机"],
                            status=LinkStatus.REVIEW, score=0.6)
    for months_ago, completeness in ((2, 0.4), (0, 0.5)):
        ChainSnapshot.objects.create(
            chain=chain, as_of=add_months(timezone.localdate(), -months_ago),
            figures={"completeness": completeness, "supporting_rate": 0.3})
    return {"chain": chain, "town": town, "node": node, "firm": firm, "project": project,
            "lead": lead, "month": last_month, "report_year": approved.year}


# Added to every document before its own scripts run (Playwright injects it outside the
# page's policy): keeps each violation the browser reports.
_RECORDER = """window.__violations = [];
document.addEventListener("securitypolicyviolation", e => window.__violations.push(
  e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " at " + e.sourceFile +
  ":" + e.lineNumber));"""


def watch_violations(page: Any) -> list[str]:
    """Record the page's CSP violations; returns the list the console's reports go to."""
    page.add_init_script(_RECORDER)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text)
            if "Content Security Policy" in m.text else None)
    return console


def violations(page: Any, console: list[str]) -> list[str]:
    """Violations reported on the current document, and on the console since the start."""
    return list(page.evaluate("window.__violations || []")) + console
