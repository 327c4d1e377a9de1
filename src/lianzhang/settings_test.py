"""Test settings: the real settings with a fast hasher, inline tasks and a local cache."""

import os

# A test database (the throw-away PostgreSQL cluster included) is not a deployment:
# embedded defaults (generated secret key, plain HTTP, static files from the sources).
# Tests of production mode start their own processes with their own environment.
os.environ.setdefault("LIANZHANG_MODE", "embedded")

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
LANGUAGE_CODE = "zh-hans"
LIANZHANG_BUMP_ON_COMMIT = False  # test transactions never commit
LIANZHANG_FIGURES_IN_BACKGROUND = False  # figures on the spot; test_figure_refresh tests both
# The backup round trip restores into a second database, created empty (migrated, no
# rows) only for the tests that ask for it.
_default = DATABASES["default"]  # noqa: F405
DATABASES["restore_target"] = {  # noqa: F405
    **_default,
    "TEST": {} if _default["ENGINE"].endswith("sqlite3") else {
        "NAME": f"test_{_default['NAME']}_restore_target"},
}
