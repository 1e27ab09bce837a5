"""Offer every active ledger category to the public at first; the office narrows the list."""

from django.db import migrations


def offer_all(apps, schema_editor):
    Category = apps.get_model("problems", "Category")
    PublicCategory = apps.get_model("public", "PublicCategory")
    PublicCategory.objects.bulk_create(
        [
            PublicCategory(category=c, is_public=True, sort_order=c.sort_order)
            for c in Category.objects.filter(is_active=True).exclude(public__isnull=False)
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("public", "0001_initial"),
        ("problems", "0003_seed_categories"),
    ]

    operations = [migrations.RunPython(offer_all, migrations.RunPython.noop)]
