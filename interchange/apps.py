from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    """Datasets in (UCDP GED, ACLED, ClaimReview) and claims out (CSV, GeoJSON, JSON Lines,
    ClaimReview, the tombstone feed), through the domain apps' services and selectors."""

    name = "interchange"
    verbose_name = "Import and export"
