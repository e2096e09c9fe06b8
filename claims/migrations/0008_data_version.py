"""The data version (core/versions.py): a one-row table bumped by statement triggers on the
tables a claim list reads, on PostgreSQL."""

from django.db import migrations

from core.versions import INSTALL_SQL, UNINSTALL_SQL


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in INSTALL_SQL:
            schema_editor.execute(statement)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in UNINSTALL_SQL:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0001_initial"),
        ("locations", "0001_initial"),
        ("sources", "0002_historicalreport_triage_report_triage_feed_and_more"),
        ("claims", "0007_claimant_location_index"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
