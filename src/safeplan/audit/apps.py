from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "safeplan.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from safeplan.audit.append_only import sqlite_functions_register

        connection_created.connect(sqlite_functions_register, dispatch_uid="safeplan-audit-sqlite")
