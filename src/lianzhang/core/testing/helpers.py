"""Helpers for behaviour tests: signed-in clients, upload files, "nothing written"
snapshots and the zh-Hans catalogue check."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

__all__ = ["client_for", "api_for", "csv_bytes", "xlsx_bytes", "upload", "Snapshot",
           "has_zh_catalogue", "requires_zh_catalogue", "row_label", "form_post_data"]


def client_for(world: Any, name: str) -> Client:
    """A test client signed in as the world's user `name`."""
    client = Client()
    client.force_login(world.user(name))
    return client


def api_for(world: Any, name: str) -> APIClient:
    """An API client authenticating with a token of the world's user `name`."""
    client = APIClient()
    token, _created = Token.objects.get_or_create(user=world.user(name))
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]],
              encoding: str = "utf-8") -> bytes:
    """A CSV file in `encoding`."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """An XLSX workbook; a string cell starting with "=" becomes a real formula cell."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def upload(data: bytes, name: str = "import.csv") -> SimpleUploadedFile:
    """An uploaded file for the import page."""
    content_type = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                    if name.endswith(".xlsx") else "text/csv")
    return SimpleUploadedFile(name, data, content_type)


def form_post_data(form: Any) -> dict[str, Any]:
    """What a browser would post for `form` as shown (its initial values): lists for
    multiple choices, "on" for ticked boxes, unticked boxes and empty values left out."""
    data: dict[str, Any] = {}
    for bound in form:
        value = bound.value()
        if value is None or value is False or value == "":
            continue
        if value is True:
            data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        else:
            data[bound.html_name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return data


class Snapshot:
    """Row counts of some models plus the audit log, to prove nothing was written."""

    def __init__(self, *models: type) -> None:
        from lianzhang.core.models import ObjectChange

        self.models = (*models, ObjectChange)
        self.counts = self.take()

    def take(self) -> dict[str, int]:
        return {m.__name__: m._base_manager.count() for m in self.models}

    def assert_unchanged(self) -> None:
        assert self.take() == self.counts, "something was written"


def has_zh_catalogue() -> bool:
    """Whether the project's zh-Hans catalogue is compiled (its own msgids translate)."""
    with translation.override("zh-hans"):
        return translation.gettext("Row %(row)d: %(reason)s") != "Row %(row)d: %(reason)s"


requires_zh_catalogue = pytest.mark.skipif(
    not has_zh_catalogue(), reason="the zh-Hans catalogue (src/lianzhang/locale) is not compiled")


def row_label(n: int) -> str:
    """How the row number appears in an import error: 第N行 (English “Row N” only
    while the zh-Hans catalogue is missing)."""
    return f"第{n}行" if has_zh_catalogue() else f"Row {n}"
