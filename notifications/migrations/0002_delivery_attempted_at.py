"""Each attempt at an event is made once (docs/background.md, "Webhooks"), first half: when an attempt
was taken up (``attempted_at``; rows already attempted get their creation time), and attempts that two
racing tasks numbered alike before this are numbered again in the order they were made, so that 0003
can add the constraint (in a migration of its own: PostgreSQL does not alter a table with the
updates' trigger events still pending)."""

from django.db import migrations, models
from django.db.models import Count, F, Q


def backfill(apps, schema_editor):
    WebhookDelivery = apps.get_model("notifications", "WebhookDelivery")
    WebhookDelivery.objects.filter(Q(response_code__isnull=False) | ~Q(error="")).update(attempted_at=F("created_at"))
    doubled = {
        (subscription_id, event_id)
        for subscription_id, event_id, _, _ in WebhookDelivery.objects.order_by()
        .values_list("subscription_id", "event_id", "attempt")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    }
    for subscription_id, event_id in sorted(doubled):
        rows = WebhookDelivery.objects.filter(subscription_id=subscription_id, event_id=event_id)
        for number, pk in enumerate(rows.order_by("created_at", "id").values_list("pk", flat=True), start=1):
            WebhookDelivery.objects.filter(pk=pk).update(attempt=number)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="webhookdelivery",
            name="attempted_at",
            field=models.DateTimeField(
                blank=True, help_text="When the attempt was taken up (empty: not yet made).", null=True
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
