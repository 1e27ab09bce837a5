"""Index what new reports mostly leave empty only where it is set (docs/performance.md).

A hotline report has no deadline, no point, no standard, and is nobody's duplicate or
recurrence: five indexes it used to write an entry into (a page, each) now skip it. The
foreign-key changes are state only; their old single-column indexes are dropped by name (the
same on SQLite and PostgreSQL), where Django's AlterField would copy the table on SQLite.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


# Django's names for the single-column indexes of the three foreign keys (the same on both).
OLD_FOREIGN_KEY_INDEXES = (
    ("duplicate_of_id", "problems_problem_duplicate_of_id_1e3e4366"),
    ("recurrence_of_id", "problems_problem_recurrence_of_id_74e58df8"),
    ("standard_id", "problems_problem_standard_id_864b5c01"),
)


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
        ("points", "0001_initial"),
        ("problems", "0009_hold_request"),
        ("standards", "0002_tree_node_bases"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=f'CREATE INDEX "{name}" ON "problems_problem" ("{column}")',
                )
                for column, name in OLD_FOREIGN_KEY_INDEXES
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="problem",
                    name="duplicate_of",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="duplicates",
                        to="problems.problem",
                        verbose_name="duplicate of",
                    ),
                ),
                migrations.AlterField(
                    model_name="problem",
                    name="recurrence_of",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="recurrences",
                        to="problems.problem",
                        verbose_name="recurrence of",
                    ),
                ),
                migrations.AlterField(
                    model_name="problem",
                    name="standard",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="problems",
                        to="standards.standard",
                        verbose_name="standard",
                    ),
                ),
            ],
        ),
        migrations.RemoveIndex(
            model_name="problem",
            name="problem_point_closed",
        ),
        migrations.RemoveIndex(
            model_name="problem",
            name="problem_due_cover",
        ),
        migrations.AddIndex(
            model_name="problem",
            index=models.Index(
                condition=models.Q(("deadline__isnull", False)),
                fields=[
                    "deadline",
                    "status",
                    "district",
                    "responsible_unit",
                    "is_pending",
                    "closed_on",
                    "rectified_on",
                    "rework_count",
                    "extension_count",
                    "recurrence_of",
                    "handling_days",
                ],
                name="problem_due_cover",
            ),
        ),
        migrations.AddIndex(
            model_name="problem",
            index=models.Index(
                condition=models.Q(("point__isnull", False)),
                fields=["point", "closed_at"],
                name="problem_point_closed",
            ),
        ),
        migrations.AddIndex(
            model_name="problem",
            index=models.Index(
                condition=models.Q(("standard__isnull", False)),
                fields=["standard"],
                name="problem_standard",
            ),
        ),
        migrations.AddIndex(
            model_name="problem",
            index=models.Index(
                condition=models.Q(("duplicate_of__isnull", False)),
                fields=["duplicate_of"],
                name="problem_duplicate_of",
            ),
        ),
        migrations.AddIndex(
            model_name="problem",
            index=models.Index(
                condition=models.Q(("recurrence_of__isnull", False)),
                fields=["recurrence_of"],
                name="problem_recurrence_of",
            ),
        ),
    ]
