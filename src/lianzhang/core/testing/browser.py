"""End-to-end tests in a real browser: Debian's Chromium (`/usr/bin/chromium`, installed by
`make test`) driven by Playwright against the live test server. Playwright never
downloads a browser here: government machines are offline.

Use the `browser_page` fixture and `log_in(page, live_server, username)`."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .fixtures import PASSWORD

__all__ = ["CHROMIUM", "browser_page", "log_in"]

CHROMIUM = os.environ.get("LIANZHANG_CHROMIUM", "/usr/bin/chromium")
# Flags for a closed network: without the background-networking ones Chromium keeps
# trying to reach update and sync hosts. --no-sandbox because CI runs as root.
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def browser_page(live_server: Any) -> Iterator[Any]:
    """A fresh Chromium page (zh-CN); skipped with a reason where Chromium is missing."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (make test installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the test
    # makes around it are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(locale="zh-CN")
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            browser.close()
            # The test's ORM calls ran beside Playwright's event loop and got their own
            # connection; close it here, or PostgreSQL cannot drop the test database.
            from django.db import connections

            connections.close_all()
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def log_in(page: Any, live_server: Any, username: str) -> None:
    """Log in through the real login form."""
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state()
    assert "/login/" not in page.url, "login failed"
