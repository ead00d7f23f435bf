"""Settings shared by every environment. Every value read from the environment is listed in
docs/deploy.md ("Configuration"); keep that table true when adding one here."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parents[3]
PACKAGE_DIR = BASE_DIR / "gaoxin"
VAR_DIR = Path(os.environ.get("GAOXIN_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "gaoxin.accounts.adminconfig.GaoxinAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "axes",
    "ninja",
    "gaoxin.common",  # before django_tasks_db: its `db_worker` wraps theirs (common/worker.py)
    "django_tasks",
    "django_tasks_db",
    "django_ratelimit",
    "gaoxin.accounts",
    "gaoxin.registry",
    "gaoxin.housing",
    "gaoxin.servicedesk",
    "gaoxin.approvals",
    "gaoxin.support",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "gaoxin.common.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "gaoxin.common.sessions.SessionMiddleware",  # common/sessions.py: never fails an answer
    "gaoxin.common.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "gaoxin.common.middleware.ClientIPMiddleware",
    # a view that lost the database: 503, "whether it was saved cannot be known" (not a 500)
    "gaoxin.common.middleware.DatabaseUnavailableMiddleware",
    # AxesMiddleware must stay last: it turns lockouts into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gaoxin.config.urls"
WSGI_APPLICATION = "gaoxin.config.wsgi.application"
ASGI_APPLICATION = "gaoxin.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "gaoxin.accounts.context_processors.navigation_links",
            ],
        },
    },
]

# Databases: SQLite is the zero-setup default; production uses PostgreSQL via DATABASE_URL.
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'gaoxin.sqlite3'}")


def database_from_url(url: str) -> dict[str, object]:
    config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # IMMEDIATE makes every transaction take the write lock at BEGIN, so concurrent
        # writers queue instead of failing with "database is locked" mid-transaction.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        config["CONN_MAX_AGE"] = 0
    else:
        config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASES = {"default": database_from_url(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "gaoxin.accounts.backends.RoleBackend",  # permissions from role grants (roles.py)
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions: idle expiry (every request pushes the expiry forward), never beyond the browser.
# The database store, and a session middleware: a session that cannot be saved after the view
# never turns the answer into a failure (common/sessions.py).
SESSION_ENGINE = "gaoxin.common.sessions"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", 30 * 60))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# django-axes: lock a username+IP pair out after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
# One client-address source for the lockout, the audit log and the rate limits: REMOTE_ADDR,
# or behind nginx the header named by GAOXIN_TRUSTED_PROXY_HEADER (docs/deploy.md).
AXES_CLIENT_IP_CALLABLE = "gaoxin.common.middleware.client_ip"
AXES_VERBOSE = False

# Internationalisation: Simplified Chinese by default, English switchable.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "gaoxin_language"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# One date style per language (gaoxin/config/formats): 2026年12月2日 / 2 Dec 2026.
FORMAT_MODULE_PATH = ["gaoxin.config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Published documents (announcement and report PDFs, results XLSX) built once per content
# digest and served from here: public, derived from immutable draws and reports, safe to delete.
PUBLISHED_DIR = Path(os.environ.get("GAOXIN_PUBLISHED_DIR", VAR_DIR / "published"))
# Audit checkpoints (common/checkpoints.py): the Ed25519 key that signs the chain head is kept
# outside the database (created on first use if missing: back it up, docs/deploy.md), and every
# checkpoint is appended to a journal file beside it. GAOXIN_AUDIT_TRUSTED_KEYS lists extra
# public keys (hex) still trusted after a key change.
GAOXIN_AUDIT_KEY_FILE = Path(
    os.environ.get("GAOXIN_AUDIT_KEY_FILE", VAR_DIR / "keys" / "audit-ed25519.pem")
)
GAOXIN_AUDIT_JOURNAL = Path(
    os.environ.get("GAOXIN_AUDIT_JOURNAL", VAR_DIR / "audit" / "checkpoints.jsonl")
)
# Every background worker ticks the periodic jobs (common/scheduler.py) on its heartbeat.
GAOXIN_SCHEDULER_ENABLED = env_bool("GAOXIN_SCHEDULER_ENABLED", True)
GAOXIN_AUDIT_TRUSTED_KEYS = [
    key for key in os.environ.get("GAOXIN_AUDIT_TRUSTED_KEYS", "").split(",") if key
]
# E-mail for notifications (common/notifications.py): SMTP, configured by the environment.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "高新区管委会 <noreply@localhost>")
# The address people reach the app at, for links in e-mails.
GAOXIN_PUBLIC_URL = os.environ.get("GAOXIN_PUBLIC_URL", "http://127.0.0.1:8000")
MEDIA_URL = "/media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Background work: Django's task framework (django-tasks backport), database backend, worker
# process `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Tasks whose worker was lost (gaoxin/common/worker.py): running tasks' heartbeat, the silence
# after which another host's task counts as lost, and how often a task may start before it fails.
GAOXIN_TASK_HEARTBEAT_SECONDS = float(os.environ.get("GAOXIN_TASK_HEARTBEAT_SECONDS", 10))
GAOXIN_TASK_STALE_SECONDS = float(os.environ.get("GAOXIN_TASK_STALE_SECONDS", 300))
GAOXIN_TASK_MAX_ATTEMPTS = int(os.environ.get("GAOXIN_TASK_MAX_ATTEMPTS", 3))
GAOXIN_PAUSE_POINTS = False  # test-only fault injection (common/faults.py); never in production

# Content-Security-Policy: nothing but this origin; scripts need the per-request nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Logging: to stderr, with personal data (ID numbers, phone numbers) masked in every record.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_personal_data": {"()": "gaoxin.common.logfilters.PersonalDataFilter"},
        "quiet_refusals": {"()": "gaoxin.common.logfilters.ExpectedRefusalFilter"},
    },
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["quiet_refusals", "mask_personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's defaults give these their own handlers (its console, runserver's request
        # lines with query strings), which do not mask: route them through ours.
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.server": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# Caches. "default" is per process and holds only what never changes once published (a drawn
# batch's winners per round), so no worker can serve a stale copy. "ratelimit" is shared by
# every gunicorn worker of the host (one SQLite file, each add/increment one statement:
# common/countercache.py); django-ratelimit counts public lookups in it. Its TIMEOUT bounds a
# counter's life after its last increment, so keep every rate's window shorter than it
# (docs/deploy.md).
RATELIMIT_DIR = Path(os.environ.get("GAOXIN_RATELIMIT_DIR", VAR_DIR / "ratelimit"))
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {
        "BACKEND": "gaoxin.common.countercache.SQLiteCounterCache",
        "LOCATION": str(RATELIMIT_DIR / "counters.sqlite3"),
        "TIMEOUT": 600,
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    },
}
RATELIMIT_USE_CACHE = "ratelimit"
# Public results lookups per client address (django-ratelimit syntax: count/period, period s,
# m or h, at most 10 minutes). Over it the page answers 429.
GAOXIN_LOOKUP_RATE = os.environ.get("GAOXIN_LOOKUP_RATE", "60/m")
# django-ratelimit only knows memcached and Redis; our counter cache's increments are atomic
# (common/countercache.py), which is what its warning is about.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_CLASS = "gaoxin.common.pagination.BoundedLimitOffsetPagination"
NINJA_PAGINATION_MAX_LIMIT = 500
GAOXIN_API_TOKEN_PREFIX = "gx_"  # noqa: S105  (a prefix, not a secret)
# Largest agency file the registry accepts for import, in MB (docs/registry.md).
# Behind a proxy, the request header that carries the client address (e.g. HTTP_X_FORWARDED_FOR,
# set by nginx); empty means REMOTE_ADDR. Only set it when the proxy overwrites the header.
GAOXIN_TRUSTED_PROXY_HEADER = os.environ.get("GAOXIN_TRUSTED_PROXY_HEADER", "")
# Sign-in through the province's unified government identity service (OpenID Connect,
# registry/oidc.py): on when the discovery URL is set. The verified ID-number claim of the
# signed ID token (its name below) binds the account to that registry person (docs/deploy.md).
GAOXIN_OIDC_DISCOVERY_URL = os.environ.get("GAOXIN_OIDC_DISCOVERY_URL", "")
GAOXIN_OIDC_CLIENT_ID = os.environ.get("GAOXIN_OIDC_CLIENT_ID", "")
GAOXIN_OIDC_CLIENT_SECRET = os.environ.get("GAOXIN_OIDC_CLIENT_SECRET", "")
GAOXIN_OIDC_SCOPES = os.environ.get("GAOXIN_OIDC_SCOPES", "openid")
GAOXIN_OIDC_ID_NUMBER_CLAIM = os.environ.get("GAOXIN_OIDC_ID_NUMBER_CLAIM", "id_number")
GAOXIN_OIDC_TIMEOUT_SECONDS = float(os.environ.get("GAOXIN_OIDC_TIMEOUT_SECONDS", 10))
GAOXIN_REGISTRY_MAX_UPLOAD_MB = int(os.environ.get("GAOXIN_REGISTRY_MAX_UPLOAD_MB", 1024))
# An agency workbook's parts may unpack to this much; its first sheet is read by a child process
# with this much memory (docs/reliability.md, "Hostile input").
GAOXIN_REGISTRY_XLSX_UNPACKED_MB = int(os.environ.get("GAOXIN_REGISTRY_XLSX_UNPACKED_MB", 2048))
GAOXIN_REGISTRY_XLSX_MEMORY_MB = int(os.environ.get("GAOXIN_REGISTRY_XLSX_MEMORY_MB", 3072))
# Uploaded agency files and import error reports hold personal data: `manage.py
# registry_purge_uploads` (daily) deletes those older than this many days.
GAOXIN_REGISTRY_UPLOAD_RETENTION_DAYS = int(
    os.environ.get("GAOXIN_REGISTRY_UPLOAD_RETENTION_DAYS", 90)
)
