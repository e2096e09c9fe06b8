"""Recompute jobs that survive a lost worker (docs/background.md, "A worker lost mid-job"): a kind (a
bloc move's recompute or the consistency sweep), the runner's lease and heartbeat, how many times a
worker took the job up, and the progress a resumed run continues from (claims refreshed, claims the
refresh touched, the claims to recompute)."""

from django.db import migrations, models


def mark_sweeps(apps, schema_editor):
    RecomputeJob = apps.get_model("claims", "RecomputeJob")
    RecomputeJob.objects.filter(reason="Consistency sweep").update(kind="sweep")


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0012_claim_count_unit"),
    ]

    operations = [
        migrations.AddField(
            model_name="recomputejob",
            name="kind",
            field=models.CharField(
                choices=[("recompute", "Recompute (bloc move)"), ("sweep", "Consistency sweep")],
                default="recompute",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="recomputejob",
            name="refreshed",
            field=models.PositiveIntegerField(
                default=0, help_text="How many of claim_ids have had their automatic relations refreshed."
            ),
        ),
        migrations.AddField(
            model_name="recomputejob",
            name="touched",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Claims at either end of an automatic relation the refresh changed.",
            ),
        ),
        migrations.AddField(
            model_name="recomputejob",
            name="targets",
            field=models.JSONField(
                blank=True,
                help_text="Every claim to recompute, once the refresh is done; done counts them.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="recomputejob",
            name="runner",
            field=models.CharField(
                blank=True, help_text="The worker running it (its name, its start, its lease).", max_length=200
            ),
        ),
        migrations.AddField(
            model_name="recomputejob",
            name="heartbeat_at",
            field=models.DateTimeField(blank=True, help_text="The runner last said it was alive.", null=True),
        ),
        migrations.AddField(
            model_name="recomputejob",
            name="runs",
            field=models.PositiveSmallIntegerField(
                default=0, help_text="Times a worker took it up: more than one, it was resumed after a lost worker."
            ),
        ),
        migrations.AlterField(
            model_name="recomputejob",
            name="claim_ids",
            field=models.JSONField(blank=True, default=list, help_text="Claims to recompute (a sweep: all of them)."),
        ),
        migrations.RunPython(mark_sweeps, migrations.RunPython.noop),
    ]
