"""Locations: where claims are about."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.tree import TreeNode


class Location(TreeNode):
    """A place in a tree of places (Shattal → Parwan → Afghanistan), with optional coordinates."""

    class Kind(models.TextChoices):
        COUNTRY = "country", "Country"
        PROVINCE = "province", "Province"
        DISTRICT = "district", "District"
        TOWN = "town", "Town"
        VILLAGE = "village", "Village"
        VALLEY = "valley", "Valley"
        PASS = "pass", "Pass"
        ROAD = "road", "Road"
        FACILITY = "facility", "Facility"
        AREA = "area", "Area"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER, db_index=True)
    latitude = models.FloatField(null=True, blank=True, help_text="Decimal degrees, -90 to 90.")
    longitude = models.FloatField(null=True, blank=True, help_text="Decimal degrees, -180 to 180.")
    aliases = models.JSONField(default=list, blank=True, help_text="Alternate spellings (Shattal/Shotul).")
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    history = HistoricalRecords(excluded_fields=["path", "updated_at"])

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["name"], name="location_name_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="location_latitude_range",
                violation_error_message="Latitude must be between -90 and 90.",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="location_longitude_range",
                violation_error_message="Longitude must be between -180 and 180.",
            ),
        ]

    def __str__(self) -> str:
        return self.name
