"""The bad-parameter crawl: every URL pattern of the project, requested with real ids,
then again with a battery of bad values for each query parameter the view reads.

`routes()` walks the URL resolver; `reading_keys()` records which query parameters a
request read (so the crawl attacks what views really use, not a hand-kept list);
`field_refuses()` says whether the form that validates a parameter refuses a value,
in which case the answer must be 400 naming that parameter (`refused_keys()`);
`Crawler` sends the requests and notes wrong answers."""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.handlers.wsgi import WSGIRequest
from django.http import QueryDict
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils.functional import cached_property

__all__ = ["BAD_VALUES", "Route", "routes", "reading_keys", "reads_key", "field_refuses",
           "refused_keys", "Finding", "Crawler", "quiet_request_log"]

#: Values every query parameter is tried with (a list is the parameter repeated).
BAD_VALUES: dict[str, str | list[str]] = {
    "negative": "-7",
    "zero": "0",
    "minus_one": "-1",
    "int64_overflow": str(2**63),
    "huge": str(10**30),
    "text": "abc",
    "empty": "",
    "unicode": "链长①😀",
    "nul": "1\x00",
    "bad_date": "2024-13-45",
    "repeated": ["1", "abc"],
    "long_number": "9" * 5000,
    "long_text": "长" * 3000,
}


@dataclass(frozen=True)
class Route:
    """One URL pattern: its namespaced name, the pattern text and its view."""

    name: str
    pattern: str
    callback: Any
    kwargs: tuple[str, ...]

    @property
    def key(self) -> str:
        """Name plus keyword arguments (format-suffix patterns share their name)."""
        return f"{self.name}({','.join(self.kwargs)})"


def _kwargs(pattern: Any) -> tuple[str, ...]:
    if isinstance(pattern, RoutePattern):
        return tuple(pattern.converters)
    return tuple(pattern.regex.groupindex)


def routes(patterns: list | None = None, prefix: str = "", namespace: str = "") -> list[Route]:
    """Every URL pattern under the root URLconf (nested includes flattened)."""
    out: list[Route] = []
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            inner = routes(p.url_patterns, prefix + str(p.pattern), ns)
            outer = _kwargs(p.pattern)
            out += [Route(r.name, r.pattern, r.callback, outer + r.kwargs) for r in inner]
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or "")
            out.append(Route(name, prefix + str(p.pattern), p.callback, _kwargs(p.pattern)))
    return out


class _RecordingQueryDict(QueryDict):
    """A QueryDict that notes every key a view reads."""

    seen: set[str] | None = None

    def _note(self, key: Any) -> None:
        if self.seen is not None and isinstance(key, str):
            self.seen.add(key)

    def get(self, key: Any, default: Any = None) -> Any:
        self._note(key)
        return super().get(key, default)

    def __getitem__(self, key: Any) -> Any:
        self._note(key)
        return super().__getitem__(key)

    def getlist(self, key: Any, default: Any = None) -> Any:
        self._note(key)
        return super().getlist(key, default)

    def __contains__(self, key: Any) -> bool:
        self._note(key)
        return super().__contains__(key)

    def __deepcopy__(self, memo: dict) -> Any:
        copy = super().__deepcopy__(memo)
        copy.seen = self.seen
        return copy


@contextmanager
def reading_keys() -> Iterator[set[str]]:
    """Within the block, requests made by the test client record the query keys
    their views read into the yielded set (clear it between requests)."""
    seen: set[str] = set()

    def get(request: WSGIRequest) -> QueryDict:
        raw = request.environ.get("QUERY_STRING", "")
        query = _RecordingQueryDict(raw.encode("iso-8859-1"), encoding=request._encoding)
        query.seen = seen
        return query

    original = WSGIRequest.__dict__["GET"]
    prop = cached_property(get)
    prop.__set_name__(WSGIRequest, "GET")
    WSGIRequest.GET = prop
    try:
        yield seen
    finally:
        WSGIRequest.GET = original


def _field_for(form: forms.BaseForm, key: str) -> tuple[str, forms.Field] | None:
    """(html name, field) of the field of `form` that reads query key `key`."""
    for name, fld in form.fields.items():
        html_name = form.add_prefix(name)
        suffixes = getattr(fld.widget, "widgets_names", None)
        if key in ([f"{html_name}{s}" for s in suffixes] if suffixes else [html_name]):
            return html_name, fld
    return None


def reads_key(form: forms.BaseForm, key: str) -> bool:
    """Whether a field of `form` reads query key `key`."""
    return _field_for(form, key) is not None


def field_refuses(form: forms.BaseForm, key: str, value: str | list[str]) -> bool:
    """Whether the field of `form` that reads query key `key` refuses `value`."""
    found = _field_for(form, key)
    if found is None:
        return False
    html_name, fld = found
    data = QueryDict(mutable=True)
    data.setlist(key, value if isinstance(value, list) else [value])
    try:
        fld.clean(fld.widget.value_from_datadict(data, {}, html_name))
    except forms.ValidationError:
        return True
    return False


def refused_keys(response: Any) -> set[str] | None:
    """The query keys a 400 answer names as refused: `data-invalid-param` on a page,
    the error keys of the API's JSON (None: a 400 that names no parameter)."""
    if response.status_code != 400:
        return set()
    if response.get("Content-Type", "").startswith("application/json"):
        try:
            data = json.loads(response.content)
        except ValueError:
            return None
        names = list(data) if isinstance(data, dict) else []
    else:
        text = response.content.decode("utf-8", "replace")
        names = [html.unescape(m) for m in re.findall(r'data-invalid-param="([^"]*)"', text)]
    keys = {key for name in names for key in name.split()}
    return keys or None


@contextmanager
def quiet_request_log() -> Iterator[None]:
    """Within the block, server errors are a test's findings and refused parameters
    are expected: neither is log noise."""
    loggers = [logging.getLogger(name) for name in ("django.request", "django.security")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


@dataclass
class Finding:
    """A request whose answer was wrong."""

    user: str
    url: str
    key: str
    label: str
    status: int
    problem: str

    def __str__(self) -> str:
        return f"{self.user} GET {self.url} {self.key}={self.label}: {self.status} {self.problem}"


@dataclass
class Crawler:
    """Requests one user's pages with bad values and notes wrong answers.

    Keys validated by a form are tried together, one bad value at a time: the answer
    is 400 naming the refused keys, and the keys the forms accepted are tried again
    without them, so an early 400 never hides a later failure. Keys no form reads
    (a third-party view's, DRF's `format`) are tried one at a time."""

    client: Any
    user: str
    findings: list[Finding] = field(default_factory=list)
    requests: int = 0
    tried: int = 0  # (URL, key, value) combinations

    def get(self, path: str, query: dict[str, Any]) -> Any:
        self.requests += 1
        return self.client.get(path, query)

    def note(self, path: str, key: str, label: str, status: int, problem: str) -> None:
        self.findings.append(Finding(self.user, path, key, label, status, problem))

    def attack(self, path: str, grouped: list[str], single: list[str],
               validated: list[forms.BaseForm]) -> None:
        """Every bad value on every key of one URL."""
        for label, value in BAD_VALUES.items():
            self.tried += len(grouped) + len(single)
            if grouped:
                self._group(path, grouped, label, value, validated)
            for key in single:
                self._one(path, key, label, value, validated)

    def _expected(self, validated: list[forms.BaseForm], key: str, value: Any) -> bool:
        return any(field_refuses(form, key, value) for form in validated)

    def _group(self, path: str, keys: list[str], label: str, value: Any,
               validated: list[forms.BaseForm]) -> None:
        expected = {k for k in keys if self._expected(validated, k, value)}
        refused_all: set[str] = set()
        left = list(keys)
        while left:
            response = self.get(path, {k: value for k in left})
            if response.status_code >= 500 or (response.status_code == 400 and not (
                    (refused_keys(response) or set()) & set(left))):
                for key in left:  # which key it was, one at a time
                    self._one(path, key, label, value, validated)
                return
            if response.status_code != 400:
                break
            refused = refused_keys(response) or set()
            refused_all |= refused
            for key in sorted((refused & set(left)) - expected):
                self.note(path, key, label, 400, "refused a value its form accepts")
            left = [k for k in left if k not in refused]
        for key in sorted(expected - refused_all):
            self.note(path, key, label, response.status_code, "expected 400 naming the key")

    def _one(self, path: str, key: str, label: str, value: Any,
             validated: list[forms.BaseForm]) -> None:
        response = self.get(path, {key: value})
        if response.status_code >= 500:
            self.note(path, key, label, response.status_code, "server error")
        elif self._expected(validated, key, value) and key not in (
                refused_keys(response) or set()):
            self.note(path, key, label, response.status_code, "expected 400 naming the key")
