"""Shared pytest fixtures for the whole suite."""

from lianzhang.core.testing.fixtures import world  # noqa: F401
