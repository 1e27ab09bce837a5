"""The ledger's text index: FTS5 on SQLite, a GIN index on the search grams on PostgreSQL."""

from django.db import migrations


def forwards(apps, schema_editor):
    from wenming.problems.search import create_search_index

    create_search_index(schema_editor)


def backwards(apps, schema_editor):
    from wenming.problems.search import drop_search_index

    drop_search_index(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("problems", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
