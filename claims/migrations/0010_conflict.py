"""Conflicts (DESIGN.md, "Scope"), and the data version's trigger on their tables: a claim list
filtered by a conflict reads them, so a cached count must follow their writes (core/versions.py).
The SQL is written out here, as it is when this migration is made."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

VERSIONED_TABLES = ("claims_conflict", "claims_conflict_places", "claims_conflict_parties")


def install_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in VERSIONED_TABLES:
            schema_editor.execute(
                f"CREATE OR REPLACE TRIGGER fogwatch_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE"
                f" ON {table} FOR EACH STATEMENT EXECUTE FUNCTION fogwatch_bump_data_version()"
            )


def uninstall_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in VERSIONED_TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS fogwatch_data_version ON {table}")


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0002_tree_path_text"),
        ("claims", "0009_webhooks_to_notifications"),
        ("locations", "0002_tree_path_text"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalConflict",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("name", models.CharField(max_length=200)),
                ("slug", models.SlugField(max_length=200)),
                ("description", models.TextField(blank=True)),
                ("start", models.DateField(help_text="The first day of the conflict.")),
                ("end", models.DateField(blank=True, help_text="Empty: still going on.", null=True)),
                ("created_at", models.DateTimeField(blank=True, editable=False)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical conflict",
                "verbose_name_plural": "historical conflicts",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Conflict",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=200)),
                ("slug", models.SlugField(max_length=200, unique=True)),
                ("description", models.TextField(blank=True)),
                ("start", models.DateField(help_text="The first day of the conflict.")),
                ("end", models.DateField(blank=True, help_text="Empty: still going on.", null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True, db_index=True)),
                (
                    "parties",
                    models.ManyToManyField(
                        blank=True,
                        help_text="The parties that fight it; their whole blocs count (for claims without a place).",
                        related_name="conflicts",
                        to="actors.actor",
                    ),
                ),
                (
                    "places",
                    models.ManyToManyField(
                        blank=True,
                        help_text="The places it covers, each with every place below it.",
                        related_name="conflicts",
                        to="locations.location",
                    ),
                ),
            ],
            options={
                "ordering": ["-start", "name", "id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("end__isnull", True), ("end__gte", models.F("start")), _connector="OR"),
                        name="conflict_end_gte_start",
                        violation_error_message="end must not be before start.",
                    )
                ],
            },
        ),
        migrations.RunPython(install_triggers, uninstall_triggers),
    ]
