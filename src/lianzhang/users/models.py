"""Users and their scoped role assignments."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roles import Role

__all__ = ["User", "RoleAssignment"]


class User(AbstractUser):
    """A person who signs in: secretariat staff, town officers, leaders, firms."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    unit = models.CharField(_("unit"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # When the password was last changed (empty: never since the account was created);
    # the audit trace of a password change, as the hash never enters the audit log.
    password_changed = models.DateTimeField(_("password changed"), null=True, blank=True,
                                            editable=False)

    _audited = True
    audit_exclude = ("password", "last_login")

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Stamp `password_changed` when an existing account gets a new password
        (`set_password()` leaves the raw password pending until the save; a hash
        upgrade at sign-in clears it first, so it is not mistaken for a change)."""
        if self._password is not None and not self._state.adding:
            self.password_changed = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "password_changed"}
        super().save(*args, **kwargs)

    def role_labels(self) -> list[str]:
        """Human labels of the user's roles with their scope, for the user menu."""
        from lianzhang.core.permissions import user_assignments

        labels = []
        for a in user_assignments(self):
            scope = ([str(t) for t in a.towns.all()] + [str(c) for c in a.chains.all()]
                     + [str(e) for e in a.enterprises.all()])
            labels.append(f"{a.get_role_display()}" + (f"（{'、'.join(scope)}）" if scope else ""))
        return labels


class RoleAssignment(models.Model):
    """A role given to a user, scoped to chains and/or towns (empty = whole city); an
    enterprise user's role is scoped to its own firm(s) instead, and names at least one."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments",
                             verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    chains = models.ManyToManyField("chains.Chain", blank=True, related_name="+",
                                    verbose_name=_("chains"))
    towns = models.ManyToManyField("regions.Region", blank=True, related_name="+",
                                   verbose_name=_("towns"))
    enterprises = models.ManyToManyField(
        "enterprises.Enterprise", blank=True, related_name="+", verbose_name=_("enterprises"),
        help_text=_("Enterprise users only: the firm(s) the user speaks for."))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    _audited = True

    class Meta:
        ordering = ["user", "role"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"
