"""URL patterns (filled in by its own part)."""

urlpatterns: list = []
