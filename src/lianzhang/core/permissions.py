"""Scope filters behind `Model.objects.restrict(user, action)`.

A user's role assignments each grant actions (users.roles) within a scope: a set of
chains and/or towns, or the whole city when both are empty. An object is allowed
when any assignment that grants the action covers it. When an assignment names
both chains and towns, an object must match both; a dimension the model does not
have (`Scope.town` or `Scope.chain` empty) does not narrow it."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Q

__all__ = ["allowed_for", "crosses_to_many", "scope_filter", "user_can", "user_assignments", "is_system_admin"]


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
        for a in RoleAssignment.objects.filter(user=user).prefetch_related("chains", "towns"):
            a.chain_ids = {c.pk for c in a.chains.all()}
            a.town_ids = {t.pk for t in a.towns.all()}
            cached.append(a)
        user._lz_assignments = cached
    return cached


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


def _dimension_q(path: str, ids: set[int], self_tree: bool) -> Q:
    if path == "self":
        # A region in scope covers itself and what sits under it (parks in a town).
        return Q(pk__in=ids) | Q(parent__in=ids) if self_tree else Q(pk__in=ids)
    return Q(**{f"{path}__in": ids})


def scope_filter(user: Any, model: type[Model], action: str) -> Q | bool | None:
    """None: no restriction; False: nothing; else the Q that selects allowed objects."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_system_admin(user):
        return None
    from lianzhang.users.roles import actions_for

    scope = getattr(model, "scope", None)
    town_path = getattr(scope, "town", "") if scope else ""
    chain_path = getattr(scope, "chain", "") if scope else ""
    combined: Q | None = None
    for a in user_assignments(user):
        if action not in actions_for(a.role, model):
            continue
        q = Q()
        if a.town_ids and town_path:
            q &= _dimension_q(town_path, a.town_ids, self_tree=True)
        if a.chain_ids and chain_path:
            q &= _dimension_q(chain_path, a.chain_ids, self_tree=False)
        if not q:
            return None  # this assignment covers the whole model
        combined = q if combined is None else combined | q
    if combined is None:
        return False
    combined._needs_subquery = any(crosses_to_many(model, p) for p in (town_path, chain_path))
    return combined


def user_can(user: Any, model: type[Model], action: str) -> bool:
    """Whether the user may perform `action` on at least some objects of `model`."""
    return scope_filter(user, model, action) is not False


def allowed_for(user: Any, model: type[Model], action: str, *, chain_id: int | None = None,
                town_id: int | None = None) -> bool:
    """Whether the user may perform `action` on a (possibly not yet existing) object of
    `model` that sits in `chain_id` / `town_id` — the same rules as `scope_filter`."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_system_admin(user):
        return True
    from lianzhang.users.roles import actions_for

    scope = getattr(model, "scope", None)
    for a in user_assignments(user):
        if action not in actions_for(a.role, model):
            continue
        town_ok = not (a.town_ids and getattr(scope, "town", "")) or town_id in a.town_ids
        chain_ok = not (a.chain_ids and getattr(scope, "chain", "")) or chain_id in a.chain_ids
        if town_ok and chain_ok:
            return True
    return False
