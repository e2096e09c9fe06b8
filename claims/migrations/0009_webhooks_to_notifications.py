"""The webhook models move to the notifications app: their tables are renamed here and the models
leave the claims app's state; notifications 0001 takes them in."""

from django.db import migrations

TABLES = {
    "webhooksubscription": "notifications_webhooksubscription",
    "historicalwebhooksubscription": "notifications_historicalwebhooksubscription",
    "webhookdelivery": "notifications_webhookdelivery",
}


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0008_data_version"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.AlterModelTable(name, table) for name, table in TABLES.items()],
            state_operations=[
                migrations.DeleteModel("HistoricalWebhookSubscription"),
                migrations.DeleteModel("WebhookDelivery"),
                migrations.DeleteModel("WebhookSubscription"),
            ],
        ),
    ]
