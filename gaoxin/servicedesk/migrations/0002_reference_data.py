from django.db import migrations


def seed(apps, schema_editor):
    from gaoxin.servicedesk import reference

    reference.seed(
        apps.get_model("servicedesk", "Department"),
        apps.get_model("servicedesk", "Duty"),
        apps.get_model("servicedesk", "Category"),
    )


class Migration(migrations.Migration):
    dependencies = [("servicedesk", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
