"""The idempotency records, moved here from `problems` (problems 0011 renamed the table), and
the `pending` claim a request takes before it runs."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_holiday_year"),
        ("problems", "0011_idempotency_to_core"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="IdempotencyRecord",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("key", models.CharField(max_length=200)),
                        ("endpoint", models.CharField(max_length=200)),
                        ("status_code", models.PositiveSmallIntegerField()),
                        ("body", models.JSONField(default=dict)),
                        ("fingerprint", models.CharField(blank=True, max_length=64)),
                        (
                            "created_at",
                            models.DateTimeField(
                                db_index=True, default=django.utils.timezone.now
                            ),
                        ),
                        (
                            "actor",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("actor", "endpoint", "key"), name="idempotency_unique"
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.AddField(
            model_name="idempotencyrecord",
            name="pending",
            field=models.BooleanField(default=False),
        ),
    ]
