"""Django settings, all from environment variables with safe production defaults.

``NETWEAVE_DATA_DIR``   folder for the SQLite database, uploads and sent mail (default ./data)
``DATABASE_URL``        e.g. postgres://user@127.0.0.1:5432/netweave (default: SQLite in data dir)
``NETWEAVE_DEBUG``      "1" only for development and the demo
``NETWEAVE_SECRET_KEY`` required unless debugging
``NETWEAVE_ALLOWED_HOSTS`` comma-separated host names (default: localhost names)
``NETWEAVE_EMAIL_URL``  console:, file:, smtp://user:pass@host:port (smtp+tls:// for STARTTLS)
``NETWEAVE_BASE_URL``   the public address used in emails (default http://127.0.0.1:8000)
``NETWEAVE_TASKS``      "immediate" runs background work inline; default: the database queue
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


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
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
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
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_db))}
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
if BASE_URL.startswith("https://"):
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("NETWEAVE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("NETWEAVE_HSTS_SECONDS", "31536000"))
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("NETWEAVE_LOG_LEVEL", "WARNING")},
}
