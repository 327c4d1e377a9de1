"""Reading settings from the environment, failing loudly on bad values; how the
deployment mode is recognised and which secret keys production refuses."""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

__all__ = ["env_str", "env_bool", "env_int", "env_float", "env_list", "env_choice",
           "deployment_mode", "secret_key_problem", "MODES", "SECRET_KEY_MIN_LENGTH"]


def env_str(name: str, default: str) -> str:
    """A string setting; empty means the default."""
    return os.environ.get(name, "").strip() or default


def env_bool(name: str, default: bool) -> bool:
    """A boolean setting: 1/0, true/false, yes/no, on/off (case-insensitive)."""
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: expected one of 1/0, true/false, yes/no, on/off")


def env_int(name: str, default: int, minimum: int | None = None, maximum: int | None = None) -> int:
    """An integer setting within [minimum, maximum]."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected an integer") from None
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ImproperlyConfigured(f"{name}={value}: must be between {minimum} and {maximum}")
    return value


def env_float(name: str, default: float, minimum: float | None = None,
              maximum: float | None = None) -> float:
    """A float setting within [minimum, maximum]."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a number") from None
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ImproperlyConfigured(f"{name}={value}: must be between {minimum} and {maximum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated list setting."""
    raw = os.environ.get(name, "").strip()
    return [p.strip() for p in raw.split(",") if p.strip()] if raw else list(default)


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """A string setting that must be one of `choices` (case-insensitive)."""
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw not in choices:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected one of {', '.join(choices)}")
    return raw


MODES = ("embedded", "production")


def deployment_mode(debug: bool) -> str:
    """`LIANZHANG_MODE` when set; otherwise production when a `DATABASE_URL` names a
    server database (not SQLite) and debugging is off, embedded otherwise. Production
    mode refuses a weak secret key, turns the HTTPS protections on by default and
    serves static files from the collected, compressed, hashed set."""
    default = "embedded"
    url = env_str("DATABASE_URL", "")
    if url and not url.lower().startswith("sqlite") and not debug:
        default = "production"
    mode = env_choice("LIANZHANG_MODE", default, MODES)
    if mode == "production" and debug:
        raise ImproperlyConfigured(
            "LIANZHANG_DEBUG=true with LIANZHANG_MODE=production: debugging pages show "
            "settings and code to anyone; turn one of them off")
    return mode


SECRET_KEY_MIN_LENGTH = 50
# Values shipped in the example files: a key copied from there is public.
_PLACEHOLDER_MARKERS = ("change-me", "changeme", "django-insecure", "placeholder", "example")


def secret_key_problem(key: str) -> str | None:
    """Why `key` is not fit to sign production sessions and tokens, or None. The rules
    are Django's deployment check (length, variety) plus the example files' values."""
    if not key:
        return "LIANZHANG_SECRET_KEY is not set"
    lowered = key.lower()
    if any(marker in lowered for marker in _PLACEHOLDER_MARKERS):
        return "LIANZHANG_SECRET_KEY is the example file's placeholder"
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"LIANZHANG_SECRET_KEY has {len(key)} characters; at least {SECRET_KEY_MIN_LENGTH} are needed"
    if len(set(key)) < 5:
        return "LIANZHANG_SECRET_KEY has fewer than 5 different characters"
    return None
