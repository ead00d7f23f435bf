"""Preload the 13 key-industry categories (gaoxin/registry/catalogue.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from gaoxin.registry.catalogue import CATALOGUE_START, KEY_INDUSTRIES

    KeyIndustry = apps.get_model("registry", "KeyIndustry")
    for order, (code, name_zh, name_en) in enumerate(KEY_INDUSTRIES, start=1):
        KeyIndustry.objects.get_or_create(
            code=code,
            defaults={
                "name_zh": name_zh,
                "name_en": name_en,
                "effective_from": CATALOGUE_START,
                "sort_order": order,
            },
        )


def unload(apps, schema_editor):
    from gaoxin.registry.catalogue import KEY_INDUSTRIES

    KeyIndustry = apps.get_model("registry", "KeyIndustry")
    KeyIndustry.objects.filter(code__in=[code for code, _zh, _en in KEY_INDUSTRIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
