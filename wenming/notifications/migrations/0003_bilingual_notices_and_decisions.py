"""Notices keep an English title and text beside the Chinese; a kind for answered requests."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_audit_anchor_kind"),
    ]

    operations = [
        migrations.AddField(
            model_name="notice",
            name="body_en",
            field=models.TextField(blank=True, verbose_name="English text"),
        ),
        migrations.AddField(
            model_name="notice",
            name="title_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="English title"),
        ),
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
                    ("decision", "Request answered"),
                    ("audit_anchor", "Audit log anchor"),
                ],
                max_length=16,
                verbose_name="kind",
            ),
        ),
    ]
