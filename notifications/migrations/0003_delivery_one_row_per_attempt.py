"""Each attempt at an event is made once (docs/background.md, "Webhooks"), second half: one row per
subscription, event and attempt number, so that of two tasks racing for the same attempt (a retry,
a redelivered message, a sweep) one makes it and the other finds it taken and sends nothing."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_delivery_attempted_at"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="webhookdelivery",
            constraint=models.UniqueConstraint(
                fields=("subscription", "event_id", "attempt"), name="webhook_delivery_one_row_per_attempt"
            ),
        ),
    ]
