"""Who may read and who may write each object type: the one declarative table.

Every object type names a policy in `ACCESS`; a policy says which roles read the type
and which roles write it (and with which actions). The scope of each role assignment
then narrows the objects, differently for reading and for writing
(`lianzhang.core.permissions` applies it; docs/permissions.md explains it):

- **Reading** is narrowed on the scope dimensions the type has: a town officer reads
  its own town's firms and projects but every chain's map (a map has no town).
- **Writing** is narrowed strictly: the object must lie inside every scope dimension
  the assignment names that the type has, and the type must have at least one of them.
  A town officer therefore cannot write a chain map (it has no town), and a chain's
  副链长 cannot write a firm (it has no chain).
- **Firm users** read only objects of their own firm, through the type's `enterprise`
  scope path; a type without one is closed to them. They write nothing yet.

System administrators are not in the table: they see and do everything."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models

from .roles import Role

__all__ = ["Policy", "POLICIES", "ACCESS", "STAFF", "WRITE_ACTIONS", "policy_for",
           "read_roles", "write_actions", "unlisted_models"]

WRITE_ACTIONS = frozenset({"add", "change", "delete"})
EDIT = frozenset({"add", "change"})  # roles that keep data but do not delete it
#: Every role that works for the city (not a firm).
STAFF = frozenset({Role.SECRETARIAT, Role.LEADER, Role.DEPUTY, Role.TASKFORCE, Role.TOWN,
                   Role.READONLY})
CHAIN_ROLES = (Role.LEADER, Role.DEPUTY, Role.TASKFORCE)


@dataclass(frozen=True)
class Policy:
    """Roles that read a type, and each writing role's actions (add/change/delete)."""

    label: str
    read: frozenset[str]
    write: dict[str, frozenset[str]] = field(default_factory=dict)


POLICIES: dict[str, Policy] = {p.label: p for p in (
    # Regions, chains, tags: the city's reference lists.
    Policy("reference", read=STAFF, write={Role.SECRETARIAT: WRITE_ACTIONS}),
    # A chain's maps, nodes, masters, roster, snapshots, key matters, gap needs,
    # recommendations and mapping runs: the secretariat and the chain's own 链长/副链长/专班.
    Policy("chain", read=STAFF, write={Role.SECRETARIAT: WRITE_ACTIONS,
                                       **{r: EDIT for r in CHAIN_ROLES}}),
    # A town's projects, monthly reports, parks and platforms: the secretariat and the town.
    Policy("town", read=STAFF, write={Role.SECRETARIAT: WRITE_ACTIONS, Role.TOWN: EDIT}),
    # The firm register (profile, names, products, yearly figures, supply ties): kept by
    # the secretariat and the firm's town; the firm reads its own.
    Policy("firm", read=STAFF | {Role.FIRM},
           write={Role.SECRETARIAT: WRITE_ACTIONS, Role.TOWN: EDIT}),
    # Contact persons are personal data: only the roles that work with firms read them.
    Policy("contact", read=frozenset({Role.SECRETARIAT, Role.DEPUTY, Role.TASKFORCE, Role.TOWN}),
           write={Role.SECRETARIAT: WRITE_ACTIONS, Role.TOWN: EDIT}),
    # Leads and events: towns and the chain's 专班 both attract investment.
    Policy("attraction", read=STAFF,
           write={Role.SECRETARIAT: WRITE_ACTIONS, Role.TOWN: EDIT, Role.DEPUTY: EDIT,
                  Role.TASKFORCE: EDIT}),
    # Firm-to-node links: the chain's people and the firm's town review them; the firm
    # reads where it hangs.
    Policy("links", read=STAFF | {Role.FIRM},
           write={Role.SECRETARIAT: WRITE_ACTIONS, Role.TOWN: EDIT, Role.DEPUTY: EDIT,
                  Role.TASKFORCE: EDIT}),
    # Two towns' leads on one investor: towns must not learn of each other's leads, so
    # only the secretariat and the chain's people see the flags; the secretariat decides.
    Policy("duplicates", read=frozenset({Role.SECRETARIAT, *CHAIN_ROLES}),
           write={Role.SECRETARIAT: WRITE_ACTIONS}),
)}

#: Object type (`app_label.model_name`) → policy. A model with a restricted manager
#: that is missing here fails the system check `lianzhang.E010`.
ACCESS: dict[str, str] = {
    "core.tag": "reference",
    "regions.region": "reference",
    "chains.chain": "reference",
    "chains.chainrole": "chain",
    "chains.chainmaster": "chain",
    "chains.mapversion": "chain",
    "chains.chainnode": "chain",
    "dashboards.keymatter": "chain",
    "dashboards.gapneed": "chain",
    "dashboards.chainsnapshot": "chain",
    "attraction.recommendation": "chain",
    "mapping.mappingrun": "chain",
    "mapping.nodelink": "links",
    "enterprises.enterprise": "firm",
    "enterprises.enterprisename": "firm",
    "enterprises.product": "firm",
    "enterprises.yearlyfigure": "firm",
    "enterprises.supplytie": "firm",
    "enterprises.contact": "contact",
    "enterprises.park": "town",
    "enterprises.innovationplatform": "town",
    "enterprises.namereview": "town",
    "projects.project": "town",
    "projects.projectyearplan": "town",
    "projects.projectstage": "town",
    "projects.progressreport": "town",
    "projects.reportamendment": "town",
    "attraction.lead": "attraction",
    "attraction.leadstagechange": "attraction",
    "attraction.leadactivity": "attraction",
    "attraction.event": "attraction",
    "attraction.eventlead": "attraction",
    "attraction.duplicateflag": "duplicates",
}


def policy_for(model: type[models.Model]) -> Policy | None:
    """The model's policy (None for a model the table does not list: closed to all
    but system administrators)."""
    name = ACCESS.get(model._meta.label_lower)
    return POLICIES[name] if name else None


def read_roles(model: type[models.Model]) -> frozenset[str]:
    """Roles that may read `model`."""
    policy = policy_for(model)
    return policy.read if policy else frozenset()


def write_actions(role: str, model: type[models.Model]) -> frozenset[str]:
    """The write actions (add/change/delete) `role` has on `model`."""
    policy = policy_for(model)
    return policy.write.get(role, frozenset()) if policy else frozenset()


def unlisted_models() -> list[str]:
    """Models with a restricted manager (domain models) that the table does not list."""
    from django.apps import apps

    return sorted(m._meta.label_lower for m in apps.get_models()
                  if hasattr(m.objects, "restrict") and m._meta.label_lower not in ACCESS)
