"""Production mode from the environment: how it is recognised, the secret keys it
refuses, the HTTPS protections it turns on, and `check --deploy` clean with the shipped
production example. Settings are read once per process, so each case starts Python
with the environment under test."""

import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings

from lianzhang.conf import deployment_mode, secret_key_problem

SRC = Path(__file__).resolve().parents[3]
REPO = SRC.parent
PRODUCTION_EXAMPLE = REPO / "lianzhang.production.env.example"
SHOWN = ["LIANZHANG_MODE", "DEBUG", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE",
         "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
         "SECURE_PROXY_SSL_HEADER", "SECURE_REFERRER_POLICY", "WHITENOISE_USE_FINDERS",
         "SECRET_KEY"]


def example_values(path: Path = PRODUCTION_EXAMPLE) -> dict[str, str]:
    """KEY=VALUE lines of an example environment file."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def clean_env(var_dir: Path, **values: str) -> dict[str, str]:
    """This process's environment without any Lianzhang or database setting, plus
    `values` and a var directory of the test's own."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("LIANZHANG_", "DJANGO_")) and k != "DATABASE_URL"}
    return {**env, "PYTHONPATH": str(SRC), **values, "LIANZHANG_VAR_DIR": str(var_dir)}


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env,
                          cwd=REPO, timeout=300)


def settings_in(env: dict[str, str]) -> dict:
    """The settings a process started with `env` ends up with."""
    code = ("import json, django; from django.conf import settings; django.setup(); "
            f"print(json.dumps({{k: getattr(settings, k) for k in {SHOWN!r}}}, default=str)); "
            "print(settings.STORAGES['staticfiles']['BACKEND'])")
    done = run({**env, "DJANGO_SETTINGS_MODULE": "lianzhang.settings"}, "-c", code)
    assert done.returncode == 0, done.stderr
    shown, storage = done.stdout.strip().splitlines()[-2:]
    return {**json.loads(shown), "storage": storage}


def fresh_key() -> str:
    return secrets.token_urlsafe(50)


def test_it_passes_the_deployment_check_with_the_production_example(tmp_path):
    env = clean_env(tmp_path, **{**example_values(), "LIANZHANG_SECRET_KEY": fresh_key()})
    done = run(env, "-m", "lianzhang.cli", "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_it_turns_the_https_protections_on_in_production(tmp_path):
    key = fresh_key()
    shown = settings_in(clean_env(tmp_path, **{**example_values(), "LIANZHANG_SECRET_KEY": key}))
    assert shown["LIANZHANG_MODE"] == "production" and shown["SECRET_KEY"] == key
    assert shown["SECURE_SSL_REDIRECT"] and shown["SESSION_COOKIE_SECURE"]
    assert shown["CSRF_COOKIE_SECURE"] and shown["SECURE_HSTS_SECONDS"] == 31_536_000
    assert shown["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert shown["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert shown["SECURE_REFERRER_POLICY"] == "same-origin"
    assert shown["storage"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert not shown["WHITENOISE_USE_FINDERS"]
    assert not (tmp_path / "secret_key").exists()  # production never invents a key


def test_it_recognises_production_by_a_database_server_without_debug(tmp_path):
    env = clean_env(tmp_path, DATABASE_URL="postgres://u:p@127.0.0.1:5432/db",
                    LIANZHANG_SECRET_KEY=fresh_key())
    shown = settings_in(env)
    assert shown["LIANZHANG_MODE"] == "production" and shown["SECURE_SSL_REDIRECT"]
    # The defaults can be overridden one by one (a proxy-less intranet test server).
    shown = settings_in({**env, "LIANZHANG_SSL_REDIRECT": "false", "LIANZHANG_HSTS_SECONDS": "0"})
    assert not shown["SECURE_SSL_REDIRECT"] and shown["SECURE_HSTS_SECONDS"] == 0
    assert shown["SESSION_COOKIE_SECURE"]


def test_it_keeps_a_generated_key_and_plain_http_in_embedded_mode(tmp_path):
    first = settings_in(clean_env(tmp_path))
    assert first["LIANZHANG_MODE"] == "embedded"
    assert (tmp_path / "secret_key").read_text().strip() == first["SECRET_KEY"]
    assert settings_in(clean_env(tmp_path))["SECRET_KEY"] == first["SECRET_KEY"]
    assert not first["SECURE_SSL_REDIRECT"] and not first["SESSION_COOKIE_SECURE"]
    assert first["SECURE_HSTS_SECONDS"] == 0 and first["SECURE_PROXY_SSL_HEADER"] is None
    assert first["WHITENOISE_USE_FINDERS"]
    assert first["storage"] == "django.contrib.staticfiles.storage.StaticFilesStorage"


@pytest.mark.parametrize(("key", "why"), [
    (None, "example file's placeholder"),  # the example file's own value
    ("", "is not set"),
    ("k" * 10 + "short-key", "at least 50"),
    ("ab" * 40, "fewer than 5 different"),
])
def test_it_refuses_a_weak_secret_key_at_start_up_in_production(tmp_path, key, why):
    values = example_values()
    if key is not None:
        values["LIANZHANG_SECRET_KEY"] = key
    done = run(clean_env(tmp_path, **values), "-m", "lianzhang.cli", "check")
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr and why in done.stderr
    assert not (tmp_path / "secret_key").exists()


def test_it_refuses_debug_in_production_mode(tmp_path):
    env = clean_env(tmp_path, LIANZHANG_MODE="production", LIANZHANG_DEBUG="true",
                    LIANZHANG_SECRET_KEY=fresh_key())
    done = run(env, "-m", "lianzhang.cli", "check")
    assert done.returncode != 0 and "LIANZHANG_DEBUG=true" in done.stderr


def test_it_names_the_mode_from_the_environment(monkeypatch):
    for name in ("LIANZHANG_MODE", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    assert deployment_mode(debug=False) == "embedded"
    monkeypatch.setenv("DATABASE_URL", "sqlite:////srv/lianzhang.sqlite3")
    assert deployment_mode(debug=False) == "embedded"
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    assert deployment_mode(debug=False) == "production"
    assert deployment_mode(debug=True) == "embedded"  # a developer's database server
    monkeypatch.setenv("LIANZHANG_MODE", "Embedded")
    assert deployment_mode(debug=False) == "embedded"
    monkeypatch.setenv("LIANZHANG_MODE", "prod")
    with pytest.raises(ImproperlyConfigured, match="embedded, production"):
        deployment_mode(debug=False)


def test_it_accepts_a_generated_key():
    assert secret_key_problem(fresh_key()) is None
    assert "placeholder" in secret_key_problem("change-me-" + fresh_key())


def test_it_sends_hsts_and_keeps_cookies_secure_behind_the_proxy(db):
    with override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31_536_000,
                           SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SESSION_COOKIE_SECURE=True,
                           CSRF_COOKIE_SECURE=True,
                           SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")):
        client = Client()
        plain = client.get("/login/")
        proxied = client.get("/login/", HTTP_X_FORWARDED_PROTO="https")
    assert plain.status_code == 301 and plain["Location"] == "https://testserver/login/"
    assert proxied.status_code == 200
    assert proxied["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert proxied.cookies["csrftoken"]["secure"]
    assert proxied["Referrer-Policy"] == "same-origin"
    assert proxied["X-Frame-Options"] == "DENY"
    assert proxied["X-Content-Type-Options"] == "nosniff"


def test_it_collects_static_files_again_only_when_a_source_changed(tmp_path, settings):
    from lianzhang.core.management.commands.serve import static_is_stale

    settings.STATIC_ROOT = tmp_path
    assert static_is_stale()  # never collected
    manifest = tmp_path / "staticfiles.json"
    manifest.write_text("{}")
    future = time.time() + 3600
    os.utime(manifest, (future, future))
    assert not static_is_stale()
    os.utime(manifest, (1_000_000, 1_000_000))  # older than every source file
    assert static_is_stale()
