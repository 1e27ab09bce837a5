"""Issue 11: the evaluation system in its national shape.

Schema: standard clauses (level IV) under content lines, the prerequisite system and its
threshold, negative-list domains, vetoes and graded effects, the handbook's point groups and
virtual point types, and checklist items' observation method, scoring and sampling rule.

Data: every existing standard (now a content line) gets exactly one clause, number 1, with
its text and points; the points are split among its methods by the rule the standards used
(shared equally, the last method taking the rounding remainder so they add up exactly);
owners are left empty, which means "the content line's". Every negative-list entry gets one
effect of grade 1 from its penalty and deduction, which are then removed (one source of
truth). Going back restores penalty and deduction from each entry's mildest effect.
"""

from decimal import ROUND_DOWN, Decimal

import django.core.validators
import django.db.models.deletion
import django.db.models.expressions
from django.db import migrations, models

METHOD_ORDER = ["material", "field", "questionnaire"]
CENT = Decimal("0.01")


def split_points(points, methods: str) -> dict:
    """{method: points} for a standard's points shared equally among its methods."""
    chosen = [m for m in METHOD_ORDER if m in methods.split(",")] or METHOD_ORDER
    points = Decimal(points)
    share = (points / len(chosen)).quantize(CENT, rounding=ROUND_DOWN)
    split = dict.fromkeys(METHOD_ORDER, Decimal("0"))
    for method in chosen:
        split[method] = share
    split[chosen[-1]] = points - share * (len(chosen) - 1)
    return split


def clauses_from_standards(apps, schema_editor):
    Standard = apps.get_model("standards", "Standard")
    Clause = apps.get_model("standards", "Clause")
    db = schema_editor.connection.alias
    batch = []
    for standard in Standard.objects.using(db).order_by("pk").iterator(chunk_size=1000):
        split = split_points(standard.points, standard.methods)
        batch.append(
            Clause(
                system_id=standard.system_id,
                standard_id=standard.pk,
                number=1,
                code=f"{standard.code}.1",
                order=1,
                text=standard.text,
                points=standard.points,
                points_material=split["material"],
                points_field=split["field"],
                points_questionnaire=split["questionnaire"],
            )
        )
        if len(batch) >= 1000:
            Clause.objects.using(db).bulk_create(batch)
            batch = []
    Clause.objects.using(db).bulk_create(batch)


def effects_from_entries(apps, schema_editor):
    Entry = apps.get_model("standards", "NegativeListEntry")
    Effect = apps.get_model("standards", "NegativeEffect")
    db = schema_editor.connection.alias
    Effect.objects.using(db).bulk_create(
        [
            Effect(entry_id=e.pk, grade=1, effect=e.penalty, deduction=e.deduction, order=1)
            for e in Entry.objects.using(db).order_by("pk")
        ],
        batch_size=1000,
    )


def entries_from_effects(apps, schema_editor):
    Entry = apps.get_model("standards", "NegativeListEntry")
    Effect = apps.get_model("standards", "NegativeEffect")
    db = schema_editor.connection.alias
    mildest = {}
    for effect in Effect.objects.using(db).order_by("entry_id", "-grade", "-order"):
        mildest[effect.entry_id] = effect
    changed = []
    for entry in Entry.objects.using(db).filter(pk__in=mildest):
        effect = mildest[entry.pk]
        entry.penalty = effect.effect
        entry.deduction = effect.deduction
        changed.append(entry)
    Entry.objects.using(db).bulk_update(changed, ["penalty", "deduction"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
        ("standards", "0002_tree_node_bases"),
    ]

    operations = [
        migrations.CreateModel(
            name="Clause",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("order", models.PositiveIntegerField(default=0, verbose_name="order")),
                (
                    "number",
                    models.PositiveSmallIntegerField(
                        validators=[django.core.validators.MinValueValidator(1)],
                        verbose_name="number",
                    ),
                ),
                (
                    "code",
                    models.CharField(
                        max_length=20,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^\\d+(\\.\\d+){1,3}$",
                                "A clause code is its content line's code and its number, e.g. 3.2.1.2.",
                            )
                        ],
                        verbose_name="code",
                    ),
                ),
                ("text", models.TextField(verbose_name="text")),
                (
                    "points",
                    models.DecimalField(
                        decimal_places=2,
                        default=0,
                        max_digits=6,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="points",
                    ),
                ),
                (
                    "points_material",
                    models.DecimalField(
                        decimal_places=2,
                        default=0,
                        max_digits=6,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="material review points",
                    ),
                ),
                (
                    "points_field",
                    models.DecimalField(
                        decimal_places=2,
                        default=0,
                        max_digits=6,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="field inspection points",
                    ),
                ),
                (
                    "points_questionnaire",
                    models.DecimalField(
                        decimal_places=2,
                        default=0,
                        max_digits=6,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="questionnaire points",
                    ),
                ),
                ("notes", models.TextField(blank=True, verbose_name="notes")),
            ],
            options={
                "verbose_name": "clause",
                "verbose_name_plural": "clauses",
                "ordering": ["system", "standard__order", "standard__code", "number"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="NegativeEffect",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "grade",
                    models.PositiveSmallIntegerField(
                        default=1,
                        validators=[django.core.validators.MinValueValidator(1)],
                        verbose_name="grade",
                    ),
                ),
                (
                    "condition",
                    models.CharField(blank=True, max_length=200, verbose_name="condition"),
                ),
                (
                    "effect",
                    models.CharField(
                        choices=[
                            ("deduct", "Deduct points"),
                            ("suspend_nomination", "Suspend nomination"),
                            ("suspend_title", "Suspend the title for one year"),
                            ("revoke_title", "Revoke the title"),
                        ],
                        max_length=24,
                        verbose_name="effect",
                    ),
                ),
                (
                    "deduction",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=6,
                        null=True,
                        verbose_name="points deducted",
                    ),
                ),
                ("order", models.PositiveIntegerField(default=0, verbose_name="order")),
            ],
            options={
                "verbose_name": "negative-list effect",
                "verbose_name_plural": "negative-list effects",
                "ordering": ["entry", "grade", "order"],
            },
        ),
        migrations.AlterModelOptions(
            name="standard",
            options={
                "ordering": ["system", "order", "code"],
                "verbose_name": "content line",
                "verbose_name_plural": "content lines",
            },
        ),
        migrations.AddField(
            model_name="checklistitem",
            name="observation",
            field=models.CharField(
                choices=[
                    ("simulated", "simulated check"),
                    ("record", "on-site record check"),
                    ("observation", "observation"),
                ],
                default="observation",
                max_length=16,
                verbose_name="observation method",
            ),
        ),
        migrations.AddField(
            model_name="checklistitem",
            name="sample_count",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="number of observations"
            ),
        ),
        migrations.AddField(
            model_name="checklistitem",
            name="sample_minutes",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="observation window (minutes)"
            ),
        ),
        migrations.AddField(
            model_name="checklistitem",
            name="sample_route_m",
            field=models.PositiveIntegerField(
                blank=True, null=True, verbose_name="route length (m)"
            ),
        ),
        migrations.AddField(
            model_name="checklistitem",
            name="sample_spacing_m",
            field=models.PositiveIntegerField(
                blank=True, null=True, verbose_name="spacing counted as one place (m)"
            ),
        ),
        migrations.AddField(
            model_name="checklistitem",
            name="sampling_note",
            field=models.TextField(blank=True, verbose_name="sampling rule"),
        ),
        migrations.AddField(
            model_name="checklistitem",
            name="scoring",
            field=models.CharField(
                choices=[("pass_fail", "pass/fail"), ("score_rate", "score rate")],
                default="pass_fail",
                max_length=16,
                verbose_name="scoring",
            ),
        ),
        migrations.AddField(
            model_name="evaluationsystem",
            name="kind",
            field=models.CharField(
                choices=[("main", "main system"), ("prerequisite", "prerequisite system")],
                default="main",
                max_length=16,
                verbose_name="kind",
            ),
        ),
        migrations.AddField(
            model_name="evaluationsystem",
            name="prerequisite",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="main_systems",
                to="standards.evaluationsystem",
                verbose_name="prerequisite system",
            ),
        ),
        migrations.AddField(
            model_name="evaluationsystem",
            name="threshold",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=5,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(0),
                    django.core.validators.MaxValueValidator(100),
                ],
                verbose_name="threshold",
            ),
        ),
        migrations.AddField(
            model_name="negativelistentry",
            name="domain",
            field=models.CharField(
                choices=[
                    ("clean_government", "Clean government"),
                    ("work_safety", "Work safety"),
                    ("public_security", "Public security"),
                    ("environment", "Environment"),
                    ("integrity", "Integrity"),
                    ("mechanism", "Campaign mechanism"),
                ],
                default="mechanism",
                max_length=24,
                verbose_name="domain",
            ),
        ),
        migrations.AddField(
            model_name="negativelistentry",
            name="is_veto",
            field=models.BooleanField(default=False, verbose_name="veto"),
        ),
        migrations.AddField(
            model_name="pointtype",
            name="is_virtual",
            field=models.BooleanField(default=False, verbose_name="virtual"),
        ),
        migrations.AlterField(
            model_name="pointtype",
            name="group",
            field=models.CharField(
                choices=[
                    ("roads", "Roads and streets"),
                    ("commerce", "Commerce and markets"),
                    ("residential", "Residential areas"),
                    ("transport", "Transport hubs"),
                    ("public_space", "Parks, squares and scenic areas"),
                    ("service", "Service windows and public institutions"),
                    ("education_health", "Schools and hospitals"),
                    ("facilities", "Public facilities and sites"),
                    ("culture", "Culture and entertainment venues"),
                    ("window_service", "Window-service units"),
                    ("vehicles", "Buses and taxis"),
                    ("hospitality", "Hotels, restaurants and pharmacies"),
                    ("practice", "Civilization practice centres and town governments"),
                    ("fringe", "Urban-rural fringe and corridors"),
                    ("minors", "Minors' places"),
                    ("virtual", "Virtual points (hotlines and channels)"),
                ],
                max_length=24,
                verbose_name="group",
            ),
        ),
        migrations.AddConstraint(
            model_name="evaluationsystem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("threshold__isnull", True),
                    models.Q(("threshold__gte", 0), ("threshold__lte", 100)),
                    _connector="OR",
                ),
                name="system_threshold_0_to_100",
            ),
        ),
        migrations.AddField(
            model_name="clause",
            name="co_units",
            field=models.ManyToManyField(
                blank=True,
                related_name="co_clauses",
                to="org.unit",
                verbose_name="supporting units",
            ),
        ),
        migrations.AddField(
            model_name="clause",
            name="lead_unit",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="led_clauses",
                to="org.unit",
                verbose_name="lead unit",
            ),
        ),
        migrations.AddField(
            model_name="clause",
            name="standard",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="clauses",
                to="standards.standard",
                verbose_name="content line",
            ),
        ),
        migrations.AddField(
            model_name="clause",
            name="system",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="%(class)ss",
                to="standards.evaluationsystem",
                verbose_name="evaluation system",
            ),
        ),
        migrations.AddField(
            model_name="checklistitem",
            name="clause",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="checklist_items",
                to="standards.clause",
                verbose_name="clause",
            ),
        ),
        migrations.AddField(
            model_name="negativeeffect",
            name="entry",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="effects",
                to="standards.negativelistentry",
                verbose_name="negative list entry",
            ),
        ),
        migrations.AddConstraint(
            model_name="clause",
            constraint=models.UniqueConstraint(
                fields=("system", "code"), name="clause_code_unique_in_system"
            ),
        ),
        migrations.AddConstraint(
            model_name="clause",
            constraint=models.UniqueConstraint(
                fields=("standard", "number"), name="clause_number_unique_in_line"
            ),
        ),
        migrations.AddConstraint(
            model_name="clause",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("points__gte", 0),
                    ("points_field__gte", 0),
                    ("points_material__gte", 0),
                    ("points_questionnaire__gte", 0),
                ),
                name="clause_points_not_negative",
            ),
        ),
        migrations.AddConstraint(
            model_name="clause",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "points__gte",
                        django.db.models.expressions.CombinedExpression(
                            django.db.models.expressions.CombinedExpression(
                                django.db.models.expressions.CombinedExpression(
                                    models.F("points_material"), "+", models.F("points_field")
                                ),
                                "+",
                                models.F("points_questionnaire"),
                            ),
                            "-",
                            models.Value(Decimal("0.005")),
                        ),
                    ),
                    (
                        "points__lte",
                        django.db.models.expressions.CombinedExpression(
                            django.db.models.expressions.CombinedExpression(
                                django.db.models.expressions.CombinedExpression(
                                    models.F("points_material"), "+", models.F("points_field")
                                ),
                                "+",
                                models.F("points_questionnaire"),
                            ),
                            "+",
                            models.Value(Decimal("0.005")),
                        ),
                    ),
                ),
                name="clause_method_points_add_up",
            ),
        ),
        migrations.AddConstraint(
            model_name="clause",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("points", 0),
                    ("points_material__gt", 0),
                    ("points_field__gt", 0),
                    ("points_questionnaire__gt", 0),
                    _connector="OR",
                ),
                name="clause_has_a_method",
            ),
        ),
        migrations.AddConstraint(
            model_name="negativeeffect",
            constraint=models.UniqueConstraint(
                fields=("entry", "grade"), name="negative_effect_grade_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="negativeeffect",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("effect", "deduct"), _negated=True),
                    ("deduction__gt", 0),
                    _connector="OR",
                ),
                name="negative_effect_deduct_has_points",
            ),
        ),
        migrations.RunPython(clauses_from_standards, migrations.RunPython.noop),
        migrations.RunPython(effects_from_entries, entries_from_effects),
        # Only so that going back can re-add the column to rows that exist (SQLite copies
        # the table and needs a value for every row before entries_from_effects fills it).
        migrations.AlterField(
            model_name="negativelistentry",
            name="penalty",
            field=models.CharField(
                choices=[
                    ("deduct", "Deduct points"),
                    ("suspend_nomination", "Suspend nomination"),
                    ("suspend_title", "Suspend the title for one year"),
                    ("revoke_title", "Revoke the title"),
                ],
                default="",
                max_length=24,
                verbose_name="penalty",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="negativelistentry",
            name="negative_deduct_has_points",
        ),
        migrations.RemoveField(
            model_name="negativelistentry",
            name="deduction",
        ),
        migrations.RemoveField(
            model_name="negativelistentry",
            name="penalty",
        ),
    ]
