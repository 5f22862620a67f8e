"""Settings from the environment, read in one place by helpers that fail loudly.

Every setting safeplan reads comes through these helpers, so that a bad value
stops the process at start-up with a message naming the variable, instead of
surfacing later as a confusing error.

>>> import os
>>> os.environ["EXAMPLE_FLAG"] = "yes"
>>> env_bool("EXAMPLE_FLAG", default=False)
True
"""

from __future__ import annotations

import os

MODES = ("production", "demo", "test")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigurationError(RuntimeError):
    """A setting in the environment is missing or malformed."""


def env_str(name: str, *, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ConfigurationError(f"environment variable {name} must be set")
        return default
    return value


def env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigurationError(f"environment variable {name}={raw!r} is not a boolean (use 1 or 0)")


def env_int(name: str, *, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(
            f"environment variable {name}={raw!r} is not a whole number"
        ) from None


def env_positive_int(name: str, *, default: int) -> int:
    """A whole number of at least 1 (a limit, a count)."""
    value = env_int(name, default=default)
    if value < 1:
        raise ConfigurationError(f"environment variable {name}={value} must be 1 or more")
    return value


def env_list(name: str, *, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, *, choices: tuple[str, ...], default: str) -> str:
    value = env_str(name, default=default)
    if value not in choices:
        raise ConfigurationError(
            f"environment variable {name}={value!r} must be one of {', '.join(choices)}"
        )
    return value


def mode() -> str:
    """The deployment mode: `production` (default), `demo` or `test`."""
    return env_choice("SAFEPLAN_MODE", choices=MODES, default="production")


PSEUDONYMISE_KEY_MIN_LENGTH = 32


def pseudonymise_key(mode: str) -> str | None:
    """The pseudonymisation key, or None when identifiers are stored as received.

    In production a key is required unless ``SAFEPLAN_PSEUDONYMISE=off`` says,
    explicitly, that identifiers are stored as received (docs/deployment.md);
    it must be long enough not to be guessed. Demo and test use a key when given one.
    """
    key = os.environ.get("SAFEPLAN_PSEUDONYMISE_KEY", "")
    wanted = env_bool("SAFEPLAN_PSEUDONYMISE", default=True)
    if not wanted:
        if key:
            raise ConfigurationError(
                "SAFEPLAN_PSEUDONYMISE=off and SAFEPLAN_PSEUDONYMISE_KEY are both set; "
                "unset one of them"
            )
        return None
    if mode == "production" and not key:
        raise ConfigurationError(
            "environment variable SAFEPLAN_PSEUDONYMISE_KEY must be set in production, so that "
            "child and learner ids are stored as keyed pseudonyms; to store them as received, "
            "set SAFEPLAN_PSEUDONYMISE=off explicitly (docs/deployment.md, Pseudonymisation)"
        )
    if mode == "production" and len(key) < PSEUDONYMISE_KEY_MIN_LENGTH:
        raise ConfigurationError(
            f"environment variable SAFEPLAN_PSEUDONYMISE_KEY must be at least "
            f"{PSEUDONYMISE_KEY_MIN_LENGTH} characters long (a random secret: "
            "python -c 'import secrets; print(secrets.token_urlsafe(48))')"
        )
    return key or None
