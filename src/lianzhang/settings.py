"""Django settings. Every deployment-specific value comes from the environment
(see `docs/configuration.md` and `lianzhang.env.example`); bad values fail loudly."""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy

from .conf import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(env_str("LIANZHANG_VAR_DIR", str(REPO_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    # Embedded mode keeps a generated key in var/ so sessions survive restarts
    # without anyone having to invent a secret.
    key = env_str("LIANZHANG_SECRET_KEY", "")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("LIANZHANG_DEBUG", False)
ALLOWED_HOSTS = env_list("LIANZHANG_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("LIANZHANG_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Before django_tasks_db: core's `db_worker` (the same worker, plus finding and
    # ending the jobs of workers that died) takes precedence over the library's.
    "lianzhang.core",
    "django_tasks",
    "django_tasks_db",
    "lianzhang.users",
    "lianzhang.regions",
    "lianzhang.chains",
    "lianzhang.enterprises",
    "lianzhang.mapping",
    "lianzhang.projects",
    "lianzhang.attraction",
    "lianzhang.dashboards",
    "lianzhang.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lianzhang.core.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "lianzhang.core.middleware.ChangeContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lianzhang.urls"
WSGI_APPLICATION = "lianzhang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lianzhang.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'lianzhang.sqlite3'}"),
        conn_max_age=env_int("LIANZHANG_DB_CONN_MAX_AGE", 0, 0, 3600),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes (embedded mode); the busy
    # timeout (`timeout`, seconds) makes a writer wait for a short lock instead of
    # failing with "database is locked". Long writers (imports) commit in chunks of
    # under a second, so the wait stays short. IMMEDIATE takes the write lock at
    # the start of a transaction, where waiting is possible (a deferred transaction
    # that reads first cannot wait when it later needs to write).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

SESSION_COOKIE_AGE = env_int("LIANZHANG_SESSION_AGE", 8 * 3600, 300, 30 * 86400)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = True  # idle expiry: the age counts from the last request
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("LIANZHANG_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# django-axes: lock an account after repeated failures; reset on success.
AXES_FAILURE_LIMIT = env_int("LIANZHANG_LOGIN_FAILURE_LIMIT", 5, 1, 100)
AXES_COOLOFF_TIME = env_float("LIANZHANG_LOGIN_COOLOFF_HOURS", 0.5, 0.01, 720)
# Lock by account: on government intranets many staff share one NAT address, so
# locking an IP would lock out a whole office.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# A list filter left empty means "all", not "---------".
FILTERS_EMPTY_CHOICE_LABEL = gettext_lazy("All")
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("LIANZHANG_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns about a missing root
NODE_MODULES = Path(env_str("LIANZHANG_NODE_MODULES", str(REPO_DIR / "node_modules")))
# Front-end assets come from npm (package.json) and are served locally: never a CDN.
STATICFILES_DIRS = [
    (prefix, NODE_MODULES / sub)
    for prefix, sub in [
        ("vendor/htmx", "htmx.org/dist"),
        ("vendor/echarts", "echarts/dist"),
        ("vendor/tabler", "@tabler/core/dist"),
    ]
    if (NODE_MODULES / sub).is_dir()
]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

MEDIA_ROOT = VAR_DIR / "media"
UPLOAD_DIR = VAR_DIR / "uploads"

IMPORT_MAX_BYTES = env_int("LIANZHANG_IMPORT_MAX_MB", 20, 1, 2048) * 1024 * 1024
IMPORT_JOB_ROWS = env_int("LIANZHANG_IMPORT_JOB_ROWS", 2000, 1, 10_000_000)
# An import holds the write lock for at most about this long per chunk (docs/jobs.md).
IMPORT_CHUNK_SECONDS = env_float("LIANZHANG_IMPORT_CHUNK_SECONDS", 0.8, 0.01, 10)
# A running job's worker refreshes its heartbeat this often; a job silent for
# JOB_STALE_SECONDS is taken for dead (failed, or re-queued when that is safe).
JOB_HEARTBEAT_SECONDS = env_float("LIANZHANG_JOB_HEARTBEAT_SECONDS", 5, 0.05, 60)
JOB_STALE_SECONDS = env_float("LIANZHANG_JOB_STALE_SECONDS", 30, 0.5, 3600)
if JOB_STALE_SECONDS < 3 * JOB_HEARTBEAT_SECONDS:
    raise ImproperlyConfigured("LIANZHANG_JOB_STALE_SECONDS must be at least three "
                               "heartbeats (LIANZHANG_JOB_HEARTBEAT_SECONDS)")
# Allow the upload through to our own size check so the user gets a clear message.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["lianzhang.core.api.permissions.ObjectPermission"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Lianzhang API",
    "DESCRIPTION": "链长制 / 一镇一业 平台接口",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

CACHES = {
    # A file cache works across the web server and the worker without another
    # service; job progress bars read from it.
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
    }
}

# After a write the chain page shows the previous figures, labelled with their time,
# while a thread recomputes them; off: the first page view after a write computes them.
LIANZHANG_FIGURES_IN_BACKGROUND = env_bool("LIANZHANG_FIGURES_IN_BACKGROUND", True)

TASKS = {
    "default": {
        "BACKEND": env_str("LIANZHANG_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-vcenter card-table table-striped lz-list"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LIANZHANG_LOG_LEVEL", "WARNING")},
}

