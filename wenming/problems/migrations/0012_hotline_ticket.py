"""The 12345 hotline ticket number (issue 10, item 11).

Nullable, so SQLite adds the column in place (a column with a default would copy the table)
and the partial index holds only the reports that carry a ticket.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("problems", "0011_idempotency_to_core"),
    ]

    operations = [
        migrations.AddField(
            model_name="problem",
            name="hotline_ticket",
            field=models.CharField(
                blank=True, max_length=40, null=True, verbose_name="12345 ticket number"
            ),
        ),
        migrations.AddIndex(
            model_name="problem",
            index=models.Index(
                condition=models.Q(("hotline_ticket__isnull", False)),
                fields=["hotline_ticket"],
                name="problem_hotline_ticket",
            ),
        ),
    ]
