"""Django's ``flush``, able to empty the append-only audit table (see ``append_only.py``).

Flushing removes every row of every table: it is for tests and maintainers,
never for the running service, and it is the only way the audit trail empties.
It refuses to run in production mode (``SAFEPLAN_MODE=production``, the
default), whoever runs it; on PostgreSQL it also needs the role that owns the
tables, which the application's role is not (docs/deployment.md).
"""

from __future__ import annotations

from typing import Any

from django.core.management import CommandError
from django.core.management.commands import flush
from django.db import connections

from safeplan.audit.append_only import PurgeRefused, purge_window


class Command(flush.Command):
    help = "Empty every table, the audit trail included (refused in production mode)."

    def handle(self, **options: Any) -> None:
        try:
            with purge_window(connections[options["database"]]):
                super().handle(**options)
        except PurgeRefused as exc:
            raise CommandError(str(exc)) from None
