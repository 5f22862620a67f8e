"""Django settings. Every value comes from the environment through `safeplan.config`.

Environment variables:

- ``SAFEPLAN_MODE``: ``production`` (default), ``demo`` or ``test``.
- ``DATABASE_URL``: default ``sqlite:///safeplan.sqlite3`` in the working directory.
- ``SECRET_KEY``: required in production; demo and test use a fixed, labelled key.
- ``DEBUG``: off unless set.
- ``ALLOWED_HOSTS``: comma separated; default ``127.0.0.1,localhost``.
- ``CSRF_TRUSTED_ORIGINS``: comma separated origins (``https://plan.example.org``); default none.
- ``SAFEPLAN_SSL_REDIRECT``, ``SAFEPLAN_HSTS_SECONDS``, ``SAFEPLAN_HSTS_PRELOAD``,
  ``SAFEPLAN_BEHIND_TLS_PROXY``: HTTPS settings, used in production only (see below).
- ``SAFEPLAN_LOGIN_FAILURE_LIMIT``: failed sign-ins for one username from one address before
  a pause; default 5. ``SAFEPLAN_LOGIN_FAILURE_LIMIT_PER_USERNAME`` (from any address; 10)
  and ``SAFEPLAN_LOGIN_FAILURE_LIMIT_PER_ADDRESS`` (for any usernames; 20) likewise.
- ``SAFEPLAN_PROXY_COUNT``: reverse proxies in front of safeplan (the client's address is
  then read from ``X-Forwarded-For``); default 0.
- ``SAFEPLAN_PSEUDONYMISE_KEY``: child and learner ids are stored as keyed hashes under it;
  required in production unless ``SAFEPLAN_PSEUDONYMISE=off`` (ids stored as received).
- ``SAFEPLAN_LOCALITIES``: comma separated list of the area's localities (optional).
- ``SAFEPLAN_TASKS_BACKEND``, ``SAFEPLAN_CELERY_BROKER_URL``, ``SAFEPLAN_SERVE_WORKER``,
  ``SAFEPLAN_IMPORT_MEMORY_MB``, ``SAFEPLAN_IMPORT_TIME_LIMIT_MINUTES``: background
  tasks (see below and docs/background-tasks.md).
- ``SAFEPLAN_MAX_UPLOAD_BYTES``: the largest file a page accepts; default 200 MB.
- ``SAFEPLAN_MAX_IMPORT_ROWS``: the most rows read from one file; default 5,000,000.
"""

from __future__ import annotations

import importlib.util
import os
import tempfile
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from safeplan.config import (
    ConfigurationError,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_positive_int,
    env_str,
    mode,
    pseudonymise_key,
)

BASE_DIR = Path(__file__).resolve().parent
MODE = mode()

if MODE == "production":
    SECRET_KEY = env_str("SECRET_KEY")
else:
    # A fixed key is acceptable only because demo and test data are synthetic.
    SECRET_KEY = env_str("SECRET_KEY", default=f"safeplan-{MODE}-insecure-key-not-for-production")

DEBUG = env_bool("DEBUG", default=False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

_db_url = env_str("DATABASE_URL", default="sqlite:///safeplan.sqlite3")
try:
    DATABASES = {"default": dj_database_url.parse(_db_url, conn_max_age=60)}
except ValueError as exc:
    raise ConfigurationError(f"DATABASE_URL={_db_url!r} is not a database URL: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A file, not memory, so that a test can hand the database to a subprocess
    # (the killed-import test); the process id keeps concurrent runs apart.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"safeplan-test-{os.getpid()}.sqlite3")
    }

PSEUDONYMISE_KEY = pseudonymise_key(MODE)  # required in production unless explicitly off
LOCALITIES = env_list("SAFEPLAN_LOCALITIES", default=[])

# Agency uploads (safeplan.submission) and background tasks (safeplan.jobs, on django-tasks).
UPLOAD_DIR = Path(env_str("SAFEPLAN_UPLOAD_DIR", default=str(Path("var") / "uploads")))
BACKGROUND_IMPORT_BYTES = env_int("SAFEPLAN_BACKGROUND_IMPORT_BYTES", default=5 * 1024 * 1024)
# A background import runs in a child process limited to this much address space
# (RLIMIT_AS), and is stopped after this long; 0 switches either limit off.
IMPORT_MEMORY_MB = env_int("SAFEPLAN_IMPORT_MEMORY_MB", default=2048)
IMPORT_TIME_LIMIT_MINUTES = env_int("SAFEPLAN_IMPORT_TIME_LIMIT_MINUTES", default=120)
# `safeplan serve` starts a task worker beside the web server (demo: one command runs all).
SERVE_WORKER = env_bool("SAFEPLAN_SERVE_WORKER", default=MODE == "demo")
TASKS_BACKEND = env_choice(
    "SAFEPLAN_TASKS_BACKEND", choices=("database", "celery"), default="database"
)
TASK_APPS = ["django_tasks", "django_tasks_db"]
if TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
else:
    # Deployments that already run Celery: the same tasks, sent to its broker and run by
    # `celery -A django_tasks_fennel.app worker` (docs/background-tasks.md).
    if importlib.util.find_spec("django_tasks_fennel") is None:
        raise ConfigurationError(
            "SAFEPLAN_TASKS_BACKEND=celery needs the celery extra: pip install 'safeplan[celery]'"
        )
    TASKS = {"default": {"BACKEND": "django_tasks_fennel.CeleryBackend", "QUEUES": ["default"]}}
    TASK_APPS = ["django_tasks", "django_tasks_fennel"]
    CELERY_BROKER_URL = env_str("SAFEPLAN_CELERY_BROKER_URL")
    CELERY_RESULT_BACKEND = env_str("SAFEPLAN_CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
    CELERY_TASK_ACKS_LATE = False  # a task is delivered once; a worker that dies does not rerun it

# Limits on what enters (ADR 0017): an upload larger than this is refused before its
# body is read (safeplan.pages.uploads); a file with more rows is rejected (R-F07).
MAX_UPLOAD_BYTES = env_int("SAFEPLAN_MAX_UPLOAD_BYTES", default=200 * 1024 * 1024)
MAX_IMPORT_ROWS = env_int("SAFEPLAN_MAX_IMPORT_ROWS", default=5_000_000)
for _name, _value in (
    ("SAFEPLAN_MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES),
    ("SAFEPLAN_MAX_IMPORT_ROWS", MAX_IMPORT_ROWS),
):
    if _value < 1:
        raise ConfigurationError(f"environment variable {_name}={_value} must be at least 1")
FILE_UPLOAD_HANDLERS = [
    "safeplan.pages.uploads.UploadLimitHandler",  # first: counts every file's bytes
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "safeplan.accounts",
    "safeplan.pages",
    "safeplan.plans",
    "safeplan.records",
    "safeplan.measures",
    "safeplan.scorecard",
    "safeplan.web",
    "safeplan.actions",
    "safeplan.jobs",
    *TASK_APPS,
    "safeplan.submission",
    "safeplan.audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise, so that static files keep their own headers (safeplan.web.headers).
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "safeplan.web.headers.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before any view reads the body (CSRF's check is a view hook): oversize uploads get a page.
    "safeplan.pages.uploads.UploadLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lock-out into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "safeplan.urls"
WSGI_APPLICATION = "safeplan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safeplan.accounts.context_processors.roles",
            ],
        },
    },
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT: Path | None = Path(
    env_str("SAFEPLAN_STATIC_ROOT", default=str(Path.cwd() / "var" / "static"))
)
if MODE != "production" and not os.environ.get("SAFEPLAN_STATIC_ROOT"):
    # Demo and test serve static files straight from the apps (finders, below);
    # with no collected folder WhiteNoise would warn on every start.
    STATIC_ROOT = None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = MODE != "production"

# Sign-in: everything but the sign-in page, the accessibility statement and
# static files needs a signed-in user (LoginRequiredMiddleware).
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "accounts:sign_in"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first, so a locked-out user is refused
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if MODE == "test":
    # Hashing at full strength would make the suite crawl; test users are throwaway.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# django-axes pauses sign-in when, within the cool-off, failures reach a limit
# for one username from one address, for one username from anywhere, or for
# one address across usernames (password spraying): each count has its own
# limit (safeplan.accounts.throttle). The per-username limit is higher than
# the per-(username, address) one so that locking a colleague out from
# elsewhere takes more than a few tries; the per-address one is higher still,
# as an office may share one address.
AXES_FAILURE_LIMIT = env_positive_int("SAFEPLAN_LOGIN_FAILURE_LIMIT", default=5)
SAFEPLAN_THROTTLE_LIMITS = [
    (["username", "ip_address"], AXES_FAILURE_LIMIT),
    ("username", env_positive_int("SAFEPLAN_LOGIN_FAILURE_LIMIT_PER_USERNAME", default=10)),
    ("ip_address", env_positive_int("SAFEPLAN_LOGIN_FAILURE_LIMIT_PER_ADDRESS", default=20)),
]
AXES_LOCKOUT_PARAMETERS = [parameter for parameter, _ in SAFEPLAN_THROTTLE_LIMITS]
AXES_HANDLER = "safeplan.accounts.throttle.ThrottleHandler"
AXES_COOLOFF_TIME = 0.25  # hours
AXES_RESET_ON_SUCCESS = True  # the failures of the username that signed in (throttle.py)
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Behind reverse proxies, the client address comes from X-Forwarded-For.
SAFEPLAN_PROXY_COUNT = env_int("SAFEPLAN_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "safeplan.accounts.client_ip.client_ip"

SESSION_COOKIE_AGE = 8 * 60 * 60  # a working day
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere (charts draw with SVG attributes, not CSS:
# safeplan.charts.render); everything comes from safeplan's own origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],  # the progress page polls itself
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
    }
}
# Nothing here uses a camera, a microphone, a location or any other device feature.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "browsing-topics", "camera",
        "display-capture", "geolocation", "gyroscope", "hid", "idle-detection",
        "magnetometer", "microphone", "midi", "payment", "publickey-credentials-get",
        "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
    )
}  # fmt: skip
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if MODE == "production":
    # HTTPS only; demo and test serve plain http://127.0.0.1.
    SECURE_SSL_REDIRECT = env_bool("SAFEPLAN_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SAFEPLAN_HSTS_SECONDS", default=365 * 24 * 60 * 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SAFEPLAN_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("SAFEPLAN_BEHIND_TLS_PROXY", default=False):
        # Only behind a proxy that sets this header itself and strips it from clients.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
