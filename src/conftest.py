"""Shared pytest fixtures for the whole suite."""

import pytest

from lianzhang.core.testing.browser import browser_page  # noqa: F401
from lianzhang.core.testing.fixtures import world  # noqa: F401
from lianzhang.core.testing.seeding import seeded  # noqa: F401


@pytest.fixture(autouse=True)
def _chinese_by_default():
    """Each test starts in the default language with an empty cache."""
    from django.core.cache import cache
    from django.utils import translation

    translation.activate("zh-hans")
    cache.clear()  # job flags and cached figures never leak between tests
    yield
    translation.activate("zh-hans")
