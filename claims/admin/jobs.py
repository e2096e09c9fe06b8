"""Background work the editors can watch: recompute jobs, read-only."""

from django.contrib import admin

from claims.models import RecomputeJob
from core.admin import (
    ReadOnlyAdmin,
)


@admin.register(RecomputeJob)
class RecomputeJobAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "reason",
        "state",
        "progress",
        "changed",
        "drifted_count",
        "runs",
        "heartbeat_at",
        "finished_at",
        "error",
    )
    list_filter = ("state", "kind")
    search_fields = ("reason",)
    date_hierarchy = "created_at"

    @admin.display(description="progress")
    def progress(self, obj):
        return f"{obj.done}/{obj.total}"

    @admin.display(description="drifted")
    def drifted_count(self, obj):
        return len(obj.drifted or [])
