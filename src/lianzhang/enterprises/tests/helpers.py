"""Shared helpers for the enterprise behaviour tests: messages as a Chinese-speaking
user sees them, firm factories and import posting."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext

from chainkit.uscc import make_uscc
from lianzhang.core.testing.helpers import upload
from lianzhang.enterprises.models import Enterprise

__all__ = ["zh", "uscc", "make_firm", "post_import", "import_errors", "IMPORT_URL"]

IMPORT_URL = "/enterprises/enterprises/import/"


def zh(message_id: str, **params: Any) -> str:
    """A project message in Chinese (the msgid while the catalogue lacks it)."""
    with translation.override("zh-hans"):
        text = gettext(message_id)
    return text % params if params else text


def uscc(n: int) -> str:
    """A valid USCC numbered n."""
    return make_uscc(f"9137028{n:010d}")


def make_firm(name: str, town: Any = None, **fields: Any) -> Enterprise:
    """A firm saved the ordinary (audited) way."""
    firm = Enterprise(name=name, town=town, **fields)
    firm.save()
    return firm


def post_import(client: Any, data: bytes, name: str = "firms.csv", url: str = IMPORT_URL,
                dry_run: bool = False) -> Any:
    """Post a file to an import page."""
    return client.post(url, {"file": upload(data, name), "dry_run": "on" if dry_run else ""})


def import_errors(response: Any) -> list[str]:
    """The import errors shown on the page (the page must have refused the file)."""
    assert response.status_code == 400, response.status_code
    result = response.context["result"]
    assert result is not None and result.errors
    return result.errors
