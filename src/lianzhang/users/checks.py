"""System check: every domain model is in the access table, so a new object type can
never be readable or writable by accident (nor closed by accident without anyone
noticing)."""

from django.core.checks import Error, register

from .access import ACCESS, POLICIES, unlisted_models

__all__ = ["check_access_table"]


@register()
def check_access_table(app_configs, **kwargs):
    """Refuse start-up when a restricted model has no policy or names an unknown one."""
    errors = [Error(f"{label} has no entry in lianzhang.users.access.ACCESS",
                    hint="Say which policy (who reads, who writes) applies to it.",
                    id="lianzhang.E010") for label in unlisted_models()]
    errors += [Error(f"{label} names the unknown policy {name!r}", id="lianzhang.E011")
               for label, name in ACCESS.items() if name not in POLICIES]
    return errors
