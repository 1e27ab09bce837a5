"""SQLite: the full-text index is filled in batches; this row says how far it has got.

Rows above `indexed_upto` are found by a scan of the short backlog instead (search.py). Every
existing problem was indexed when this runs, so the mark starts at the highest id.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from wenming.problems.search import create_backlog_mark

    create_backlog_mark(schema_editor)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from wenming.problems.search import FTS_MARK_TABLE, FTS_TABLE

    # Going back to indexing on every write: index the backlog first.
    schema_editor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
    schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_MARK_TABLE}")


class Migration(migrations.Migration):
    dependencies = [("problems", "0007_fts_without_positions")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
