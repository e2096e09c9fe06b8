"""Webhook subscriptions and the log of every delivery attempt."""

from django.db import models
from simple_history.models import HistoricalRecords


class WebhookSubscription(models.Model):
    """A tool to tell when a claim's status or flags change, optionally filtered."""

    name = models.CharField(max_length=200)
    url = models.URLField(max_length=1000)
    secret = models.CharField(max_length=200, help_text="Signs each delivery: HMAC-SHA256 of the body.")
    statuses = models.JSONField(default=list, blank=True, help_text="Only claims with these new statuses (empty: all).")
    claimant_bloc = models.ForeignKey(
        "actors.Actor",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Only claims by actors of this actor's bloc.",
    )
    location = models.ForeignKey(
        "locations.Location",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Only claims about this place or places below it.",
    )
    is_active = models.BooleanField(default=True)
    paused_at = models.DateTimeField(null=True, blank=True, help_text="Set when deliveries kept failing.")
    consecutive_failures = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["consecutive_failures"])

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    """One attempt to deliver an event to a subscription, with its response code."""

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    claim_id = models.BigIntegerField(db_index=True)
    event_id = models.CharField(max_length=64, db_index=True)
    payload = models.JSONField()
    attempt = models.PositiveSmallIntegerField(default=1)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    delivered = models.BooleanField(default=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    attempted_at = models.DateTimeField(
        null=True, blank=True, help_text="When the attempt was taken up (empty: not yet made)."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            # Each attempt at an event is made once, whichever task (a retry, a redelivered
            # message, a sweep) gets there first: the others find it taken and send nothing.
            models.UniqueConstraint(
                fields=["subscription", "event_id", "attempt"], name="webhook_delivery_one_row_per_attempt"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.subscription} ({self.response_code or self.error[:40]})"
