"""On PostgreSQL, only the table's owner may empty the audit trail, even in the purge window.

Replaces the trigger function of 0002 (append_only.POSTGRESQL_FUNCTION): a
session setting any role can set is no privilege. Nothing changes on SQLite.
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from safeplan.audit.append_only import POSTGRESQL_FUNCTION, POSTGRESQL_FUNCTION_0002


def function_replace(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_FUNCTION, params=None)


def function_restore(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_FUNCTION_0002, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [migrations.RunPython(function_replace, function_restore)]
