"""Scope filters behind `Model.objects.restrict(user, action)`.

Which roles may read or write a type is declared once, in `lianzhang.users.access`.
Each role assignment then narrows the objects by its scope: a set of towns and/or
chains (none: the whole city), or, for a firm user, its firms. Reading is narrowed on
the dimensions the type has; writing is narrowed strictly (the type must have a
dimension the assignment names, and the object must lie inside every one it has);
firm users reach only objects that lead to their own firm. An object is allowed when
any assignment allows it. docs/permissions.md has the whole table."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Q

__all__ = ["allowed_for", "crosses_to_many", "scope_filter", "user_can", "user_assignments",
           "is_system_admin", "role_allows", "enterprise_paths", "firm_user_enterprises"]


def is_system_admin(user: Any) -> bool:
    """Superusers and holders of the 系统管理员 role see and do everything."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    from lianzhang.users.roles import Role

    return any(a.role == Role.ADMIN for a in user_assignments(user))


def user_assignments(user: Any) -> list[Any]:
    """The user's role assignments with their scopes, cached on the user object."""
    cached = getattr(user, "_lz_assignments", None)
    if cached is None:
        from lianzhang.users.models import RoleAssignment

        cached = []
        for a in RoleAssignment.objects.filter(user=user).prefetch_related(
                "chains", "towns", "enterprises"):
            a.chain_ids = {c.pk for c in a.chains.all()}
            a.town_ids = {t.pk for t in a.towns.all()}
            a.enterprise_ids = {e.pk for e in a.enterprises.all()}
            cached.append(a)
        user._lz_assignments = cached
    return cached


def firm_user_enterprises(user: Any) -> set[int] | None:
    """The firms an enterprise user speaks for; None for everyone else (a user who also
    holds a staff role, or an administrator, is not treated as a firm)."""
    from lianzhang.users.roles import Role

    assignments = user_assignments(user) if getattr(user, "is_authenticated", False) else []
    if not assignments or is_system_admin(user) or any(a.role != Role.FIRM for a in assignments):
        return None
    return set().union(*(a.enterprise_ids for a in assignments))


def crosses_to_many(model: type[Model], path: str) -> bool:
    """Whether an ORM lookup path passes through a to-many relation (which would
    duplicate rows in a plain filter)."""
    if not path or path == "self":
        return False
    current = model
    for part in path.split("__"):
        field = current._meta.get_field(part)
        if field.many_to_many or field.one_to_many:
            return True
        if not field.is_relation:
            return False
        current = field.related_model
    return False


def enterprise_paths(model: type[Model]) -> tuple[str, ...]:
    """The model's lookup paths to the firm(s) it belongs to (a supply tie has two)."""
    path = getattr(getattr(model, "scope", None), "enterprise", "")
    return tuple(path) if isinstance(path, (tuple, list)) else ((path,) if path else ())


def role_allows(role: str, model: type[Model], action: str) -> bool:
    """Whether the access table lets `role` perform `action` on `model` at all."""
    from lianzhang.users.access import read_roles, write_actions

    if action == "view":
        return role in read_roles(model)
    return action in write_actions(role, model)


def _dimension_q(path: str, ids: set[int], self_tree: bool) -> Q:
    if path == "self":
        # A region in scope covers itself and what sits under it (parks in a town).
        return Q(pk__in=ids) | Q(parent__in=ids) if self_tree else Q(pk__in=ids)
    return Q(**{f"{path}__in": ids})


def _assignment_q(assignment: Any, model: type[Model], action: str) -> Q | bool | None:
    """What one assignment allows: None (the whole model), False (nothing) or a Q."""
    from lianzhang.users.roles import Role

    if assignment.role == Role.FIRM:
        q = Q()
        for path in enterprise_paths(model):
            q |= _dimension_q(path, assignment.enterprise_ids, self_tree=False)
        return q if q and assignment.enterprise_ids else False
    scope = getattr(model, "scope", None)
    named = [(getattr(scope, "town", ""), assignment.town_ids, True),
             (getattr(scope, "chain", ""), assignment.chain_ids, False)]
    named = [(path, ids, tree) for path, ids, tree in named if ids]
    if not named:
        return None  # a city-wide assignment
    applicable = [(path, ids, tree) for path, ids, tree in named if path]
    if not applicable:
        # The type has none of the assignment's dimensions: readable (a town reads
        # every chain's map), never writable (a town does not edit another chain's map).
        return None if action == "view" else False
    q = Q()
    for path, ids, tree in applicable:
        q &= _dimension_q(path, ids, tree)
    return q


def scope_filter(user: Any, model: type[Model], action: str) -> Q | bool | None:
    """None: no restriction; False: nothing; else the Q that selects allowed objects."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_system_admin(user):
        return None
    combined: Q | None = None
    for a in user_assignments(user):
        if not role_allows(a.role, model, action):
            continue
        q = _assignment_q(a, model, action)
        if q is None:
            return None
        if q is False:
            continue
        combined = q if combined is None else combined | q
    if combined is None:
        return False
    scope = getattr(model, "scope", None)
    paths = (getattr(scope, "town", ""), getattr(scope, "chain", ""), *enterprise_paths(model))
    combined._needs_subquery = any(crosses_to_many(model, p) for p in paths)
    return combined


def user_can(user: Any, model: type[Model], action: str) -> bool:
    """Whether the user may perform `action` on at least some objects of `model`."""
    return scope_filter(user, model, action) is not False


def allowed_for(user: Any, model: type[Model], action: str, *, chain_id: int | None = None,
                town_id: int | None = None, enterprise_id: int | None = None) -> bool:
    """Whether the user may perform `action` on a (possibly not yet existing) object of
    `model` that sits in `chain_id` / `town_id` / `enterprise_id` — the same rules as
    `scope_filter` (a town given here is matched exactly, not as a parent)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_system_admin(user):
        return True
    from lianzhang.users.roles import Role

    scope = getattr(model, "scope", None)
    for a in user_assignments(user):
        if not role_allows(a.role, model, action):
            continue
        if a.role == Role.FIRM:
            if enterprise_paths(model) and enterprise_id in a.enterprise_ids:
                return True
            continue
        named = [(getattr(scope, "town", ""), a.town_ids, town_id),
                 (getattr(scope, "chain", ""), a.chain_ids, chain_id)]
        named = [(path, ids, value) for path, ids, value in named if ids]
        applicable = [(ids, value) for path, ids, value in named if path]
        if not named or (not applicable and action == "view"):
            return True
        if applicable and all(value in ids for ids, value in applicable):
            return True
    return False
