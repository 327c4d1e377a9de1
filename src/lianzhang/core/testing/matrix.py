"""The permission matrix: every URL × every role × read/write/export, with the expected
answer worked out independently of the code under test.

`expected()` is a reference model of the rules in docs/permissions.md: it walks an
object's scope paths in Python (the code under test builds ORM filters), so a view
that forgets `restrict()`, or a filter that drifts from the documented rule, shows up
as a mismatch. `object_requests()` lists the generic pages and API calls of one object
type; `PAGES` in the matrix test lists every other URL with what it needs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model

from lianzhang.users.access import ACCESS, POLICIES
from lianzhang.users.roles import Role

__all__ = ["Grant", "Request", "expected", "type_possible", "object_requests", "reached"]


@dataclass(frozen=True)
class Grant:
    """One role assignment as the matrix sees it (empty sets: the whole city)."""

    role: str | None
    towns: frozenset[int] = frozenset()
    chains: frozenset[int] = frozenset()
    firms: frozenset[int] = frozenset()


def reached(obj: Model, path: str, *, tree: bool = False) -> set[int]:
    """Primary keys reached from `obj` along an ORM path ("self": the object itself;
    with `tree`, also its parent, as a town covers the parks under it)."""
    if path == "self":
        return {obj.pk, getattr(obj, "parent_id", None)} - {None} if tree else {obj.pk}
    objects = [obj]
    for part in path.split("__"):
        following = []
        for current in objects:
            model_field = current._meta.get_field(part)
            if model_field.many_to_many:
                following.extend(getattr(current, part).all())
            else:
                value = getattr(current, part)
                if value is not None:
                    following.append(value)
        objects = following
    return {o.pk for o in objects}


def _enterprise_paths(model: type[Model]) -> tuple[str, ...]:
    path = model.scope.enterprise
    return tuple(path) if isinstance(path, tuple) else ((path,) if path else ())


def _role_grants(grant: Grant, model: type[Model], action: str) -> bool:
    policy = POLICIES[ACCESS[model._meta.label_lower]]
    if action == "view":
        return grant.role in policy.read
    return action in policy.write.get(grant.role, frozenset())


def _dimensions(grant: Grant, model: type[Model]) -> tuple[list, list]:
    named = [(dim, ids) for dim, ids in (("town", grant.towns), ("chain", grant.chains)) if ids]
    return named, [(getattr(model.scope, dim), ids, dim == "town") for dim, ids in named
                   if getattr(model.scope, dim)]


def type_possible(grant: Grant, model: type[Model], action: str) -> bool:
    """Whether the grant allows `action` on some conceivable object of `model` (the
    pages answer 403 when not, 404 for a single object out of reach)."""
    if grant.role == Role.ADMIN:
        return True
    if grant.role is None or not _role_grants(grant, model, action):
        return False
    if grant.role == Role.FIRM:
        return bool(_enterprise_paths(model) and grant.firms)
    named, have = _dimensions(grant, model)
    return action == "view" or not named or bool(have)


def expected(grant: Grant, obj: Model, action: str) -> bool:
    """Whether the documented rules allow `action` on `obj` for `grant`."""
    model = type(obj)
    if not type_possible(grant, model, action):
        return False
    if grant.role == Role.ADMIN:
        return True
    if grant.role == Role.FIRM:
        return any(reached(obj, path) & grant.firms for path in _enterprise_paths(model))
    named, have = _dimensions(grant, model)
    if not named:
        return True
    if not have:  # type_possible let only reading through
        return True
    return all(reached(obj, path, tree=tree) & ids for path, ids, tree in have)


@dataclass(frozen=True)
class Request:
    """One call of the matrix: what it needs (`action` on `obj`, or on the type when
    `obj` is None) and the answers that count as allowed."""

    method: str
    url: str
    action: str
    model: type[Model]
    obj: Model | None = None
    allowed: frozenset[int] = frozenset({200})
    api: bool = False
    data: dict[str, Any] = field(default_factory=dict)
    #: Text that must show exactly when the object is readable (lists); with
    #: `leaks_only`, text that must not show when it is not (exports name related
    #: objects by code, so the list's text need not be there).
    shows: tuple[tuple[Model, str], ...] = ()
    leaks_only: bool = False


# A write that reaches the form or serializer may still be refused for its content (an
# empty form is invalid, a model refuses the deletion, the object changed meanwhile):
# any answer but 403/404 shows the permission layer let it through.
WRITE_OK = frozenset({200, 201, 204, 302, 400, 409, 412, 428})


def object_requests(battery: Any, world: Any, a: Model, b: Model) -> list[Request]:
    """The generic pages and API calls of one object type, for an object in scope A
    and one in scope B; creating posts a valid new object of scope A (every matrix
    user is scoped to A), so a permitted add succeeds and a refused one is a 403."""
    model, url = battery.model, battery.url
    api = battery.api_list_url()
    texts = tuple((o, battery.list_text(o)) for o in (a, b))
    out = [Request("GET", url("list"), "view", model, shows=texts),
           Request("GET", url("list") + "?export=csv", "view", model, shows=texts,
                   leaks_only=True),
           Request("GET", url("add"), "add", model),
           Request("POST", url("add"), "add", model, allowed=WRITE_OK,
                   data=battery.form_data(world, world.town_a, world.chain_a, 31)),
           Request("GET", url("import"), "add", model),
           Request("GET", api, "view", model, api=True),
           Request("POST", api, "add", model, allowed=WRITE_OK, api=True,
                   data=battery.api_data(world, world.town_a, world.chain_a, 32))]
    for obj in (a, b):
        out += [Request("GET", url("detail", obj.pk), "view", model, obj),
                Request("GET", url("changelog", obj.pk), "view", model, obj),
                Request("GET", url("edit", obj.pk), "change", model, obj),
                Request("POST", url("edit", obj.pk), "change", model, obj, WRITE_OK),
                Request("GET", url("delete", obj.pk), "delete", model, obj),
                Request("POST", url("delete", obj.pk), "delete", model, obj, WRITE_OK),
                Request("GET", f"{api}{obj.pk}/", "view", model, obj, api=True),
                Request("PATCH", f"{api}{obj.pk}/", "change", model, obj, WRITE_OK, api=True),
                Request("DELETE", f"{api}{obj.pk}/", "delete", model, obj, WRITE_OK, api=True)]
    return out
