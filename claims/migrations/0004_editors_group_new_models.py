"""Give the editors group the permissions of the models added since 0002."""

import importlib

from django.db import migrations

editors = importlib.import_module("claims.migrations.0002_editors_group")


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0003_recomputejob_tombstone_claim_external_id_and_more"),
        ("sources", "0002_historicalreport_triage_report_triage_feed_and_more"),
    ]

    operations = [migrations.RunPython(editors.create_editors, migrations.RunPython.noop)]
