"""Drop the audit log's single-column actor index: audit_actor_time leads with the actor.

The field change is state only; the database drops the index by its name (the same on SQLite
and PostgreSQL), where Django's own AlterField would copy the whole table on SQLite.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_holiday"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "core_auditentry_actor_id_d8248cee"',
                    reverse_sql='CREATE INDEX "core_auditentry_actor_id_d8248cee"'
                    ' ON "core_auditentry" ("actor_id")',
                )
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="auditentry",
                    name="actor",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="actor",
                    ),
                ),
            ],
        ),
    ]
