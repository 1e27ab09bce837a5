"""The idempotency records move to `core` (a generic piece of the API): the table is renamed,
its rows kept, and the model leaves this app's state; core 0007 takes it over."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("problems", "0010_leaner_write_indexes"),
    ]

    operations = [
        migrations.AlterModelTable(name="idempotencyrecord", table="core_idempotencyrecord"),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="IdempotencyRecord")],
        ),
    ]
