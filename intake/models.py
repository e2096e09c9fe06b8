"""An intake: one article read into draft claims, waiting for an editor to confirm or discard."""

from django.conf import settings
from django.db import models


class Intake(models.Model):
    """The article (text, title, URL, source, date, language), the drafts the reader made of it (as
    JSON: ids of actors and places, never model objects), the names it could not place, and, once
    confirmed, the ids of what it made. Kept after it is confirmed or discarded, for the record."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        CONFIRMED = "confirmed", "Confirmed"
        DISCARDED = "discarded", "Discarded"

    text = models.TextField()
    title = models.CharField(max_length=500, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    source = models.ForeignKey(
        "sources.Source", null=True, blank=True, on_delete=models.PROTECT, related_name="intakes"
    )
    report = models.ForeignKey(
        "sources.Report",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="intakes",
        help_text="The report read (one a feed brought in), or the one made when the drafts were confirmed.",
    )
    published_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=20, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT, db_index=True)
    drafts = models.JSONField(default=list, blank=True)
    unknown = models.JSONField(default=list, blank=True)
    made = models.JSONField(default=dict, blank=True, help_text="What confirming made: report, claims, relations.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "-created_at"], name="intake_state_created_idx")]

    def __str__(self) -> str:
        return f"Intake #{self.pk}: {self.title or self.text[:60]}"
