"""The editors group: add, change, delete and view on every Fogwatch model."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

APPS = ("actors", "locations", "sources", "claims")


def create_editors(apps, schema_editor):
    for label in APPS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="editors")
    perms = Permission.objects.filter(content_type__app_label__in=APPS).exclude(
        content_type__model__startswith="historical"
    )
    group.permissions.add(*perms)


def remove_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0001_initial"),
        ("actors", "0001_initial"),
        ("locations", "0001_initial"),
        ("sources", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors, remove_editors)]
