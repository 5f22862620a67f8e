"""Install the triggers that refuse UPDATE and DELETE on the audit table (append_only.py).

SQLite drops a table's triggers when Django remakes the table to alter it: a
later migration that alters AuditEvent must run these statements again
(tests/audit/test_append_only.py fails if it does not).
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from safeplan.audit.append_only import statements


def triggers_install(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for sql in statements(schema_editor.connection.vendor, install=True):
        schema_editor.execute(sql, params=None)


def triggers_remove(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for sql in statements(schema_editor.connection.vendor, install=False):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(triggers_install, triggers_remove)]
