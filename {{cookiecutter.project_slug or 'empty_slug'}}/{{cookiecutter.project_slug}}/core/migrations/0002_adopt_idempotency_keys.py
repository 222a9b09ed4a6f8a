"""Until release 2026.12.2 the idempotency keys had an app of their own ("idempotency"); they
live in core now. In a project baked before, move the keys here and drop the old app's table
and its migration records; a new project has none of these."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

OLD_TABLE = "idempotency_idempotencykey"


def adopt_old_keys(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    columns = f"{connection.ops.quote_name('key')}, created_at"
    schema_editor.execute(
        f"INSERT INTO core_idempotencykey ({columns}) SELECT {columns} FROM {OLD_TABLE}"
    )
    schema_editor.execute(f"DROP TABLE {OLD_TABLE}")
    schema_editor.execute("DELETE FROM django_migrations WHERE app = 'idempotency'")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(adopt_old_keys, migrations.RunPython.noop)]
