"""The zh-Hans catalogue is complete: every string the code marks for translation
has a Chinese translation (DESIGN §6.12)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

import lianzhang

SRC = Path(lianzhang.__file__).resolve().parent
CATALOGUE = SRC / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


@pytest.mark.skipif(not (shutil.which("xgettext") and shutil.which("msgcmp")),
                    reason="GNU gettext tools not installed")
def test_it_translates_every_marked_string(tmp_path, settings):
    copy = tmp_path / "lianzhang"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__", "locale", "*.yaml"))
    (copy / "locale").mkdir()
    settings.LOCALE_PATHS = [copy / "locale"]
    cwd = os.getcwd()
    os.chdir(copy)
    try:
        call_command("makemessages", locale=["zh_Hans"], verbosity=0, no_obsolete=True)
    finally:
        os.chdir(cwd)
    fresh = copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    result = subprocess.run(["msgcmp", str(CATALOGUE), str(fresh)], capture_output=True, text=True)
    assert result.returncode == 0, "untranslated or missing:\n" + result.stderr[-3000:]
    stats = subprocess.run(["msgfmt", "--check", "--statistics", "-o", os.devnull, str(CATALOGUE)],
                           capture_output=True, text=True)
    assert stats.returncode == 0, stats.stderr
    assert "untranslated" not in stats.stderr and "fuzzy" not in stats.stderr, stats.stderr


def test_it_serves_chinese_by_default_and_english_on_request():
    with translation.override("zh-hans"):
        assert translation.gettext("Sign in") == "登录"
    with translation.override("en"):
        assert translation.gettext("Sign in") == "Sign in"
