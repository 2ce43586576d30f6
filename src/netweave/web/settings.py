"""Django settings, all from environment variables with safe production defaults.

``NETWEAVE_DATA_DIR``   folder for the SQLite database, uploads and sent mail (default ./data)
``DATABASE_URL``        e.g. postgres://user@127.0.0.1:5432/netweave (default: SQLite in data dir)
``NETWEAVE_DEBUG``      "1" only for development and the demo
``NETWEAVE_SECRET_KEY`` required unless debugging
``NETWEAVE_ALLOWED_HOSTS`` comma-separated host names (default: localhost names)
``NETWEAVE_EMAIL_URL``  console:, file:, smtp://user:pass@host:port (smtp+tls:// for STARTTLS)
``NETWEAVE_BASE_URL``   the public address used in emails (default http://127.0.0.1:8000)
``NETWEAVE_TASKS``      "immediate" runs background work inline; default: the database queue
``NETWEAVE_LINK_DAYS_AFTER_EVENT`` participant links stop working this many days after the
                        event (default 90; 0 = never expire)
``NETWEAVE_RATELIMIT``  "0" turns off the rate limits of public forms (load tests; default 1)
``NETWEAVE_RATE_LIMITS`` overrides of single limits, e.g. "register=20/m,login=10/m"
``NETWEAVE_HSTS_SECONDS``, ``NETWEAVE_HSTS_SUBDOMAINS`` (default 1), ``NETWEAVE_HSTS_PRELOAD``
                        (default 0), ``NETWEAVE_SSL_REDIRECT`` (default 1): HTTPS only
``NETWEAVE_TRUSTED_PROXIES`` comma-separated addresses (or networks) of the reverse proxies
                        whose ``X-Forwarded-For``/``-Proto`` are believed (default: none)
``NETWEAVE_MAX_UPLOAD_MB`` the largest upload the server reads at all (default 200; bigger
                        bodies are refused before they are read)
``NETWEAVE_CONNECTION_LIMIT`` open connections `netweave serve` holds at once (default 4000)
``NETWEAVE_WORKERS``    set by `netweave serve --workers N`: rate limits count across processes
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from netweave.web.common.proxy import parse_trusted


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes"}


BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parents[2]
DATA_DIR = Path(os.environ.get("NETWEAVE_DATA_DIR", "data")).resolve()

DEBUG = _env_bool("NETWEAVE_DEBUG")
SECRET_KEY = os.environ.get("NETWEAVE_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set NETWEAVE_SECRET_KEY (or NETWEAVE_DEBUG=1 for development).")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("NETWEAVE_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if h.strip()
]
BASE_URL = os.environ.get("NETWEAVE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = [BASE_URL] if BASE_URL.startswith("https://") else []

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "axes",
    "netweave.web.community",
    "netweave.web.events",
    "netweave.web.matching",
    "netweave.web.mail",
    "netweave.web.intros",
    "netweave.web.live",
    "netweave.web.followup",
    "netweave.web.privacy",
    "netweave.web.orga",
    "netweave.web.portal",
]

MIDDLEWARE = [
    # first: the HTTPS redirect, HSTS, rate limits and axes all need the real client and scheme
    "netweave.web.common.proxy.ForwardedMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # last, as django-axes asks: it turns a locked-out login into the lockout page
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "netweave.web.urls"
WSGI_APPLICATION = "netweave.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

_default_db = f"sqlite:///{DATA_DIR / 'netweave.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_db),
        # keep server connections open between requests: opening one per request made 300
        # polling participants time out on PostgreSQL (benchmarks/bench_load.py)
        conn_max_age=int(os.environ.get("NETWEAVE_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker write while pages read; a busy timeout instead of "database is locked"
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# axes first: it refuses a locked-out username+IP before any password is checked
AUTHENTICATION_BACKENDS = [
    "netweave.web.common.security.LoginGuardBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "orga:login"
LOGIN_REDIRECT_URL = "orga:dashboard"
LOGOUT_REDIRECT_URL = "orga:login"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# front-end libraries come from the npm registry at set-up (make), never from the repo
STATICFILES_DIRS = [BASE_DIR / "static"]
_node_modules = PROJECT_DIR / "node_modules"
if _node_modules.is_dir():
    STATICFILES_DIRS.append(("vendor", _node_modules))
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
NETWEAVE_IMPORT_MAX_BYTES = 10 * 1024 * 1024
#: the largest file upload (an intro video) anyone may send; `netweave serve` refuses bodies
#: above it (plus a form's envelope) with 413 from their headers, before reading them
NETWEAVE_MAX_UPLOAD_MB = int(os.environ.get("NETWEAVE_MAX_UPLOAD_MB", "200"))
#: room for the multipart envelope around the file when checking Content-Length
NETWEAVE_UPLOAD_ENVELOPE_BYTES = 64 * 1024
NETWEAVE_MAX_REQUEST_BYTES = NETWEAVE_MAX_UPLOAD_MB * 1024 * 1024 + NETWEAVE_UPLOAD_ENVELOPE_BYTES
#: open connections `netweave serve` holds at once: idle keep-alive browsers on live pages and
#: slow clients cost a socket each, not a thread
NETWEAVE_CONNECTION_LIMIT = int(os.environ.get("NETWEAVE_CONNECTION_LIMIT", "4000"))

TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if os.environ.get("NETWEAVE_TASKS") == "immediate"
        else "django_tasks_db.DatabaseBackend"
    }
}


def _email_settings(url: str) -> dict[str, object]:
    """Email backend from one URL: console:, file:PATH, smtp://user:pass@host:port."""
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme == "file":
        path = parts.path or str(DATA_DIR / "sent-mail")
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": path,
        }
    if parts.scheme in {"smtp", "smtp+tls", "smtps"}:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname or "localhost",
            "EMAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 587),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_TLS": parts.scheme == "smtp+tls",
            "EMAIL_USE_SSL": parts.scheme == "smtps",
        }
    raise ImproperlyConfigured(f"NETWEAVE_EMAIL_URL: unknown scheme {parts.scheme!r}")


globals().update(_email_settings(os.environ.get("NETWEAVE_EMAIL_URL", "console:")))
DEFAULT_FROM_EMAIL = os.environ.get("NETWEAVE_FROM_EMAIL", "netweave <netweave@localhost>")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if BASE_URL.startswith("https://"):
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("NETWEAVE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("NETWEAVE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("NETWEAVE_HSTS_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = _env_bool("NETWEAVE_HSTS_PRELOAD")
    if not SECURE_HSTS_PRELOAD:
        # security.W021 (no HSTS preload): preloading is a promise submitted to the browser
        # makers and hard to undo, so only the operator may make it (NETWEAVE_HSTS_PRELOAD=1)
        SILENCED_SYSTEM_CHECKS = ["security.W021"]


# Reverse proxies whose X-Forwarded-For/-Proto are believed (netweave.web.common.proxy); from any
# other address those headers are dropped, so a client cannot pick its own address or scheme.
NETWEAVE_TRUSTED_PROXIES = parse_trusted(os.environ.get("NETWEAVE_TRUSTED_PROXIES", ""))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


# The content security policy: our own files only; the one inline script carries the
# per-response nonce; intros embed the privacy-friendly YouTube and Vimeo players.
_S3 = _origin(os.environ.get("NETWEAVE_S3_ENDPOINT_URL", ""))
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        # style="" attributes remain in a few organizer templates and htmx adds its
        # indicator style: inline CSS cannot run code, so it is allowed (no nonce here,
        # which would switch 'unsafe-inline' off)
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        # recorded intros preview as blob: URLs; stored ones may come from S3 storage
        "media-src": [SELF, "blob:", *([_S3] if _S3 else [])],
        "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Rate limits (django-ratelimit) count in a cache. One server process (waitress threads)
# shares the in-memory one; `netweave serve --workers N` (NETWEAVE_WORKERS) has several
# processes count together in files under the data folder. The live pages' poll cache stays
# in each process's memory ("default"): it only saves queries.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
RATELIMIT_USE_CACHE = "default"
NETWEAVE_WORKERS = int(os.environ.get("NETWEAVE_WORKERS", "1"))
if NETWEAVE_WORKERS > 1:
    CACHES["counters"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": DATA_DIR / "cache" / "counters",
    }
    RATELIMIT_USE_CACHE = "counters"
# NETWEAVE_RATELIMIT=0 turns the limits off, e.g. for a load test from one address
RATELIMIT_ENABLE = _env_bool("NETWEAVE_RATELIMIT", True)
_DEFAULT_RATE_LIMITS = {
    "register": "10/m",  # registration form POSTs per address and event page
    "resend": "10/m",  # "send me my link again" POSTs per address and event page
    "resend_email": "5/h",  # links mailed to one address, from anywhere
    "register_email": "5/h",  # registration emails (link or confirmation) to one address
    "privacy_email": "5/h",  # download or erasure confirmations asked for on one personal page
    "login": "30/m",  # organizer sign-in POSTs per address (any usernames)
}


def _rate_limits(defaults: dict[str, str], text: str) -> dict[str, str]:
    """The defaults with ``name=count/period`` overrides (``"register=20/m,login=10/m"``)."""
    limits = dict(defaults)
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, rate = (piece.strip() for piece in item.partition("="))
        if name not in limits or not re.fullmatch(r"[0-9]+/[0-9]*[smhd]", rate):
            raise ImproperlyConfigured(
                f"NETWEAVE_RATE_LIMITS: {item!r} is not name=count/period with a name among "
                f"{', '.join(limits)} (e.g. register=10/m)"
            )
        limits[name] = rate
    return limits


NETWEAVE_RATE_LIMITS = _rate_limits(
    _DEFAULT_RATE_LIMITS, os.environ.get("NETWEAVE_RATE_LIMITS", "")
)

# Password guessing on organizer login (django-axes): 5 failures lock that username from that
# address for 15 minutes; other people and other addresses can still sign in.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "security/locked_out.html"
# the client's address as the rate limits see it (behind a trusted proxy: the real client's)
AXES_CLIENT_IP_CALLABLE = "netweave.web.common.proxy.client_address"
AXES_RESET_ON_SUCCESS = True
# a wrong password is not worth an error log line (and usernames are personal data)
AXES_VERBOSE = False

NETWEAVE_LINK_DAYS_AFTER_EVENT = int(os.environ.get("NETWEAVE_LINK_DAYS_AFTER_EVENT", "90"))
# emailed single-use confirmations (netweave.web.common.onetime): answers sent for an address
# that is already known wait this long for its owner; a download or erasure asked for on a
# personal page is short-lived, because a forwarded link must not be enough
NETWEAVE_CONFIRM_REGISTRATION_HOURS = 48
NETWEAVE_CONFIRM_PRIVACY_MINUTES = 30

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("NETWEAVE_LOG_LEVEL", "WARNING")},
    # waitress warns "Task queue depth is N" for every request that waits for a thread, while
    # holding its queue's lock: under a live event's crowd that is thousands of lines a
    # minute, written by the loop that serves every connection
    "loggers": {"waitress.queue": {"level": "ERROR"}},
}
