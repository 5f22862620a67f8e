"""Django's ``flush``, able to empty the append-only audit table (see ``append_only.py``).

Flushing removes every row of every table: it is for tests and maintainers,
never for the running service, and it is the only way the audit trail empties.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import connections

from safeplan.audit.append_only import purge_window


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        with purge_window(connections[options["database"]]):
            super().handle(**options)
