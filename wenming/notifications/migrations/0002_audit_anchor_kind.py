"""Notices of a new kind: the audit chain's anchor, posted by `wenming audit anchor` (choices only)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="notice",
            name="kind",
            field=models.CharField(
                choices=[
                    ("dispatch", "Dispatched"),
                    ("due_soon", "Due soon"),
                    ("overdue", "Overdue"),
                    ("return", "Returned"),
                    ("rework", "Sent back for rework"),
                    ("close", "Closed"),
                    ("escalation", "Escalated"),
                    ("audit_anchor", "Audit log anchor"),
                ],
                max_length=16,
                verbose_name="kind",
            ),
        ),
    ]
