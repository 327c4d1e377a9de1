"""Django 5.2 messages whose Chinese translation Django's own catalogue lacks. Naming
them here keeps them in our catalogue (makemessages drops strings no code uses)."""

from django.utils.translation import ngettext_lazy

__all__ = ["PASSWORD_TOO_SHORT"]

PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "min_length",
)
