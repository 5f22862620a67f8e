"""What a production server refuses to start with, and the command that fixes each.

Checked by ``safeplan serve`` before it starts gunicorn and by the WSGI
application itself (``safeplan.wsgi``), so a server started any other way is
refused too. A database that once served ``make demo`` still holds the demo
accounts, whose passwords are published in the README: while any of them can
sign in, production does not start.

    $ SAFEPLAN_MODE=production safeplan serve
    Error: safeplan will not start in production while demo accounts can sign in …
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from safeplan.accounts.selectors import demo_users_active

FIX_DEMO_USERS = "safeplan user deactivate-demo"


class StartupRefused(ImproperlyConfigured):
    """Production cannot start as things are; the message says what to run."""


def startup_problems() -> list[str]:
    """Why production may not start now (empty: it may; always empty outside production)."""
    if settings.MODE != "production":
        return []
    demo = demo_users_active()
    if not demo:
        return []
    return [
        "safeplan will not start in production while demo accounts can sign in "
        f"({', '.join(demo)}): their passwords are published. Switch them off with\n\n"
        f"    {FIX_DEMO_USERS}\n\n"
        "(or `safeplan user deactivate USERNAME` for each), then start again."
    ]


def startup_check() -> None:
    """Raise `StartupRefused` naming every problem and its fix; nothing when all is well."""
    problems = startup_problems()
    if problems:
        raise StartupRefused("\n\n".join(problems))
