"""Django settings. Every deployment-specific value comes from the environment
(see `docs/configuration.md` and `lianzhang.env.example`); bad values fail loudly."""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy

from .conf import (
    deployment_mode,
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_str,
    secret_key_problem,
)

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(env_str("LIANZHANG_VAR_DIR", str(REPO_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("LIANZHANG_DEBUG", False)
# "embedded" (SQLite in var/, one command) or "production" (see conf.deployment_mode).
LIANZHANG_MODE = deployment_mode(DEBUG)
PRODUCTION = LIANZHANG_MODE == "production"


def _secret_key() -> str:
    key = env_str("LIANZHANG_SECRET_KEY", "")
    if PRODUCTION:
        # Sessions, password-reset links and signed values are only as safe as this key:
        # production refuses to start with none, a short one or the example file's.
        problem = secret_key_problem(key)
        if problem:
            raise ImproperlyConfigured(
                f"{problem}. Production mode needs a key of its own, for example from "
                "`python3 -c 'import secrets; print(secrets.token_urlsafe(50))'` "
                "(docs/operations.md).")
        return key
    # Embedded mode keeps a generated key in var/ so sessions survive restarts
    # without anyone having to invent a secret.
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("LIANZHANG_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("LIANZHANG_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "lianzhang.core.staticfiles.StaticFilesConfig",  # django.contrib.staticfiles
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
    "csp.middleware.CSPMiddleware",  # the policy is the last block of this file
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
    "lianzhang.core.middleware.InvalidQueryMiddleware",
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
        # Persistent connections: a new PostgreSQL connection per request costs more
        # than many of the pages' queries; health checks drop a connection gone stale.
        conn_max_age=env_int("LIANZHANG_DB_CONN_MAX_AGE", 60, 0, 3600),
        conn_health_checks=True,
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

# django-axes: lock after repeated failures; reset on success. An account is locked
# at one client address only (user name + address): a stranger elsewhere cannot lock
# the real user out, and on government intranets, where many staff share one NAT
# address, one colleague's failures do not lock the others. An address is locked as a
# whole only after many failures across user names (password spraying); see
# lianzhang.users.lockout.
AXES_FAILURE_LIMIT = env_int("LIANZHANG_LOGIN_FAILURE_LIMIT", 5, 1, 100)
LIANZHANG_LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LIANZHANG_LOGIN_ADDRESS_FAILURE_LIMIT", 100,
                                                0, 100_000)
AXES_COOLOFF_TIME = env_float("LIANZHANG_LOGIN_COOLOFF_HOURS", 0.5, 0.01, 720)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]] + (
    ["ip_address"] if LIANZHANG_LOGIN_ADDRESS_FAILURE_LIMIT else [])
AXES_HANDLER = "lianzhang.users.lockout.TieredLockoutHandler"
# Attempts during a lock are refused without being counted: a colleague hammering
# his locked account must not push the shared address towards its limit.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Reverse proxies in front of the server that append to X-Forwarded-For (0: none, the
# client's address is REMOTE_ADDR and the header is ignored).
LIANZHANG_TRUSTED_PROXY_COUNT = env_int("LIANZHANG_TRUSTED_PROXY_COUNT", 0, 0, 5)
AXES_CLIENT_IP_CALLABLE = "lianzhang.users.lockout.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False
# System checks deliberately silenced, each with its reason where it is added.
SILENCED_SYSTEM_CHECKS: list[str] = []
# A wrong current password on the change-password page counts as a failed sign-in;
# axes keeps the form data of failures, so mask these fields as it masks "password".
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "old_password", "new_password1",
                             "new_password2"]

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
        # Not the whole of tabler's dist: its bundled third-party libraries are not
        # used, and some name files they do not ship, which the manifest refuses.
        ("vendor/tabler/css", "@tabler/core/dist/css"),
        ("vendor/tabler/js", "@tabler/core/dist/js"),
    ]
    if (NODE_MODULES / sub).is_dir()
]
if PRODUCTION:
    # `lianzhang collectstatic` (run by `lianzhang serve` when the sources changed) writes
    # hashed, gzip-compressed copies; whitenoise serves them with a cache lifetime of a
    # year, since a changed file gets a new name.
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
# Embedded mode serves the files straight from the apps and node_modules: no collect step.
WHITENOISE_USE_FINDERS = not PRODUCTION
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
        "lianzhang.users.authentication.LockoutAwareTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["lianzhang.core.api.permissions.ObjectPermission"],
    # Query parameters are validated (400, never 500): lianzhang.core.params.
    "DEFAULT_FILTER_BACKENDS": ["lianzhang.core.api.query.QueryFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "lianzhang.core.api.query.QueryPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "lianzhang.core.api.schema.AutoSchema",
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
    # Several models have a `level`, `stage` or `status` with different choices: name
    # each choice set so the schema's enum names are stable (and `check --deploy` clean).
    "ENUM_NAME_OVERRIDES": {
        "RegionLevelEnum": "lianzhang.regions.choices.RegionLevel",
        "PlatformLevelEnum": "lianzhang.enterprises.choices.PlatformLevel",
        "ProjectLevelEnum": "lianzhang.projects.choices.ProjectLevel",
        "ProjectStageEnum": "lianzhang.projects.choices.Stage",
        "LeadStageEnum": "lianzhang.attraction.choices.LeadStage",
        "MapStatusEnum": "lianzhang.chains.choices.MapStatus",
        "EnterpriseStatusEnum": "lianzhang.enterprises.choices.EnterpriseStatus",
        "NameReviewStatusEnum": "lianzhang.enterprises.choices.ReviewStatus",
        "RunStatusEnum": "lianzhang.mapping.choices.RunStatus",
        "LinkStatusEnum": "lianzhang.mapping.choices.LinkStatus",
        "ReportStatusEnum": "lianzhang.projects.choices.ReportStatus",
        "AmendmentStatusEnum": "lianzhang.projects.choices.AmendmentStatus",
        "FlagStatusEnum": "lianzhang.attraction.choices.FlagStatus",
        "ItemStatusEnum": "lianzhang.dashboards.choices.ItemStatus",
    },

    "DEFAULT_GENERATOR_CLASS": "lianzhang.core.api.schema.CachedSchemaGenerator",
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

# Transport, cookies and the reverse proxy (docs/operations.md). In production mode
# the site is taken to be served over HTTPS (LIANZHANG_HTTPS), which turns each of
# these on by default; each can be set on its own.
LIANZHANG_HTTPS = env_bool("LIANZHANG_HTTPS", PRODUCTION)
SECURE_SSL_REDIRECT = env_bool("LIANZHANG_SSL_REDIRECT", LIANZHANG_HTTPS)
# Load balancers and monitors probe the application server itself over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env_bool("LIANZHANG_SECURE_COOKIES", LIANZHANG_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = env_int("LIANZHANG_HSTS_SECONDS", 31_536_000 if LIANZHANG_HTTPS else 0,
                              0, 63_072_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("LIANZHANG_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("LIANZHANG_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # Preloading commits the whole domain (usually a government one, not ours) to HTTPS
    # in browsers' built-in lists; that is the domain owner's decision, and intranet
    # names cannot be preloaded at all.
    SILENCED_SYSTEM_CHECKS.append("security.W021")
_proxy_header = env_str("LIANZHANG_PROXY_SSL_HEADER", "")
if _proxy_header and not _proxy_header.replace("-", "").isalnum():
    raise ImproperlyConfigured(
        f"LIANZHANG_PROXY_SSL_HEADER={_proxy_header!r}: expected a header name such as "
        "X-Forwarded-Proto")
# Behind a TLS-terminating proxy that sets this header (overwriting any a client sent),
# a request carrying "https" in it counts as secure.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https") if _proxy_header else None)
SECURE_REFERRER_POLICY = env_choice("LIANZHANG_REFERRER_POLICY", "same-origin", (
    "no-referrer", "no-referrer-when-downgrade", "origin", "origin-when-cross-origin",
    "same-origin", "strict-origin", "strict-origin-when-cross-origin"))
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "[%(asctime)s] %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LIANZHANG_LOG_LEVEL", "WARNING")},
    # What `lianzhang serve` starts, restarts and stops belongs in the log at any level.
    "loggers": {"lianzhang.serve": {"level": "INFO"}},
}


# --- Content-Security-Policy --------------------------------------------------------
# Sent on every response (django-csp). Pages carry no inline script and no inline
# event handler: scripts are static files served from this site and get their data from
# json_script or data-* attributes, so injected markup cannot run even if it got past
# escaping. ECharts needs no eval. Styles: <style> elements and style sheets only from
# this site (style-src-elem); style *attributes* are allowed (style-src-attr), because
# ECharts builds its tooltips as HTML with style attributes and templates size charts
# with them; a style attribute cannot run script. Browsers that predate style-src-elem
# fall back to style-src, which therefore also allows inline styles.
# LIANZHANG_CSP_REPORT_ONLY=true sends the same policy as Content-Security-Policy-Report-
# Only (browsers report, nothing is blocked) to try it on a deployment's own pages first;
# LIANZHANG_CSP_REPORT_URI names where browsers send violation reports.
from csp.constants import NONE, SELF, UNSAFE_INLINE  # noqa: E402

_CSP_DIRECTIVES: dict[str, list[str]] = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF, UNSAFE_INLINE],
    "style-src-elem": [SELF],
    "style-src-attr": [UNSAFE_INLINE],
    "img-src": [SELF, "data:"],  # Tabler's CSS draws icons as data: SVG
    "font-src": [SELF],
    "connect-src": [SELF],
    "object-src": [NONE],
    "base-uri": [SELF],
    "frame-ancestors": [NONE],
    "form-action": [SELF],
}
_CSP_REPORT_URI = env_str("LIANZHANG_CSP_REPORT_URI", "")
if _CSP_REPORT_URI:
    _CSP_DIRECTIVES["report-uri"] = [_CSP_REPORT_URI]
if env_bool("LIANZHANG_CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _CSP_DIRECTIVES}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": _CSP_DIRECTIVES}
