"""The org app now has its own kind for central and provincial units (org 0003): the settings
row made with the old automatic default (enterprises) moves to it. `central_unit_kinds` is not
an office-editable setting, so ["enterprise"] can only be that old default."""

from django.db import migrations


def forwards(apps, schema_editor):
    Settings = apps.get_model("scoring", "ScoringSettings")
    for row in Settings.objects.all():
        if row.central_unit_kinds in (["enterprise"], []):
            row.central_unit_kinds = ["central_prov"]
            row.save(update_fields=["central_unit_kinds"])


def backwards(apps, schema_editor):
    Settings = apps.get_model("scoring", "ScoringSettings")
    for row in Settings.objects.all():
        if row.central_unit_kinds == ["central_prov"]:
            row.central_unit_kinds = ["enterprise"]
            row.save(update_fields=["central_unit_kinds"])


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0003_unit_kind_central_provincial"),
        ("scoring", "0002_weightscheme_campaign"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
