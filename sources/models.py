"""Sources (outlets, channels) and the reports they publish."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core import http


class Source(models.Model):
    """An outlet or channel, graded on the NATO/Admiralty source-reliability scale."""

    class Kind(models.TextChoices):
        WIRE = "wire", "Wire agency"
        STATE_MEDIA = "state_media", "State media"
        INDEPENDENT_MEDIA = "independent_media", "Independent media"
        PARTY_MEDIA = "party_media", "Party media"
        OFFICIAL_CHANNEL = "official_channel", "Official channel"
        SOCIAL_MEDIA = "social_media", "Social media"
        NGO = "ngo", "NGO"
        OTHER = "other", "Other"

    class Reliability(models.TextChoices):
        A = "A", "A: completely reliable"
        B = "B", "B: usually reliable"
        C = "C", "C: fairly reliable"
        D = "D", "D: not usually reliable"
        E = "E", "E: unreliable"
        F = "F", "F: reliability cannot be judged"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER, db_index=True)
    homepage = models.URLField(max_length=500, blank=True)
    country = models.CharField(max_length=100, blank=True)
    reliability = models.CharField(max_length=1, choices=Reliability.choices, default=Reliability.F, db_index=True)
    actor = models.ForeignKey(
        "actors.Actor",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sources",
        help_text="The actor that owns or speaks through this source.",
    )
    aliases = models.JSONField(
        default=list, blank=True, help_text="Other names the source goes by (a merged duplicate's name among them)."
    )
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reliability__in=["A", "B", "C", "D", "E", "F"]),
                name="source_reliability_grade",
                violation_error_message="Reliability must be a grade from A to F.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Report(models.Model):
    """One article, post or statement published by a source."""

    class Triage(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        PENDING = "pending", "Awaiting triage"
        DISCARDED = "discarded", "Discarded"

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="reports")
    title = models.CharField(max_length=500)
    url = models.URLField(max_length=1000, null=True, blank=True, unique=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    author = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=35, blank=True)
    summary = models.TextField(blank=True)
    triage = models.CharField(
        max_length=10,
        choices=Triage.choices,
        default=Triage.ACCEPTED,
        db_index=True,
        help_text="Reports pulled from feeds wait for an editor to accept or discard them.",
    )
    feed = models.ForeignKey("Feed", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Feed(models.Model):
    """An RSS/Atom feed of a source, pulled periodically into reports awaiting triage."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="feeds")
    url = models.URLField(max_length=1000)
    is_active = models.BooleanField(default=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True, help_text="HTTP status of the last pull.")
    last_error = models.TextField(blank=True, help_text="Why the last pull failed, if it did.")
    items_seen = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["source", "url"]
        constraints = [models.UniqueConstraint(fields=["source", "url"], name="feed_source_url_unique")]

    def __str__(self) -> str:
        return self.url

    def clean(self) -> None:
        """A URL the pull could never fetch is refused when it is saved (the admin's form names the
        field), judged without the network; each pull checks the resolved address again (core.http)."""
        super().clean()
        why = http.url_refusal(self.url or "")
        if why.startswith(http.REFUSED):
            why = f"Refused: {why.removeprefix(http.REFUSED)}. Feeds are pulled from public addresses only."
        if why:
            raise ValidationError({"url": why})


class Snapshot(models.Model):
    """One archiving fetch of a report's URL: proof the page existed, and whether it changed."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="snapshots")
    fetched_at = models.DateTimeField(db_index=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    final_url = models.URLField(max_length=2000, blank=True)
    redirects = models.JSONField(default=list, blank=True, help_text="Each hop: {url, status}.")
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True, help_text="Bytes read.")
    content_type = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-fetched_at", "-id"]

    def __str__(self) -> str:
        return f"{self.report_id} @ {self.fetched_at:%Y-%m-%d %H:%M}"
