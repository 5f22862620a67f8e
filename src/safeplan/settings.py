"""Django settings. Every value comes from the environment through `safeplan.config`.

Environment variables:

- ``SAFEPLAN_MODE``: ``production`` (default), ``demo`` or ``test``.
- ``DATABASE_URL``: default ``sqlite:///safeplan.sqlite3`` in the working directory.
- ``SECRET_KEY``: required in production; demo and test use a fixed, labelled key.
- ``DEBUG``: off unless set.
- ``ALLOWED_HOSTS``: comma separated; default ``127.0.0.1,localhost``.
- ``SAFEPLAN_PSEUDONYMISE_KEY``: when set, child and learner ids are stored as keyed hashes.
- ``SAFEPLAN_LOCALITIES``: comma separated list of the area's localities (optional).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import dj_database_url

from safeplan.config import ConfigurationError, env_bool, env_list, env_str, mode

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

PSEUDONYMISE_KEY = env_str("SAFEPLAN_PSEUDONYMISE_KEY", default="") or None
LOCALITIES = env_list("SAFEPLAN_LOCALITIES", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "safeplan.plans",
    "safeplan.records",
    "safeplan.web",
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
STATIC_ROOT = Path(env_str("SAFEPLAN_STATIC_ROOT", default=str(Path.cwd() / "var" / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = MODE != "production"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
