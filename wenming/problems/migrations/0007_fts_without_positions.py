"""Recreate the SQLite full-text index without positions (detail='none') and refill it."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from wenming.problems.search import FTS_TABLE, create_search_index

    schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    create_search_index(schema_editor)
    schema_editor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


class Migration(migrations.Migration):
    dependencies = [("problems", "0006_status_count_indexes")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
