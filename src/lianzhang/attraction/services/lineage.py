"""转为项目: a signed lead becomes a key project carrying its fields, so the line
chain → gap node → recommendation → lead → project is one query away
(`Lead.project`, `Project.lead`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lianzhang.projects import workflow
from lianzhang.projects.choices import Stage
from lianzhang.projects.models import Project

from ..models import Lead

__all__ = ["ConversionRefused", "convert_to_project", "project_name"]


class ConversionRefused(ValidationError):
    """A lead that cannot become a project (not signed, or already converted)."""


def project_name(lead: Lead) -> str:
    """The project's name: the investor and the gap node (or the summary's start)."""
    target = lead.node.name if lead.node_id else lead.summary.splitlines()[0][:60]
    return _("%(firm)s %(target)s project") % {"firm": lead.enterprise.name,
                                               "target": target}


@transaction.atomic
def convert_to_project(lead: Lead, user: Any = None) -> Project:
    """Create the project from a signed lead (stage 签约 on the lead's signing date),
    link them both ways and return the project."""
    if lead.project_id:
        raise ConversionRefused(_("This lead is already project %(code)s.") % {
            "code": lead.project.code})
    if lead.signed_on is None:
        raise ConversionRefused(_("Only a signed lead becomes a project; sign it first."))
    project = Project(
        name=project_name(lead)[:200], chain=lead.chain, town=lead.town,
        investor=lead.enterprise, total_investment=lead.total_investment,
        fixed_asset_investment=lead.fixed_investment, content=lead.summary,
        expected_output=lead.expected_output, expected_tax=lead.expected_tax,
        responsible_person=str(lead.owner or "")[:100], first_contact=lead.first_contact_on,
        problems=lead.coordination, source_ref=f"attraction.lead:{lead.pk}",
        description=lead.description)
    project.full_clean()
    project.save()
    nodes = ([lead.node] if lead.node_id else []) + list(lead.extra_nodes.all())
    if nodes:
        project.nodes.set(nodes)
    workflow.advance(project, Stage.SIGNED, lead.signed_on)
    lead.project = project
    lead.save()
    return project
