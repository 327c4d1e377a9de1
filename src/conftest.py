"""Shared pytest fixtures for the whole suite."""

import pytest

from lianzhang.core.testing.fixtures import world  # noqa: F401


@pytest.fixture(autouse=True)
def _chinese_by_default():
    """Each test starts in the default language, whatever an earlier request chose."""
    from django.utils import translation

    translation.activate("zh-hans")
    yield
    translation.activate("zh-hans")
