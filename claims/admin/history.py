"""What the recompute recorded: the flag history and the tombstones of deleted claims, read-only."""

from django.contrib import admin

from claims.models import FlagChangeRecord, Tombstone
from core.admin import (
    ReadOnlyAdmin,
)


@admin.register(FlagChangeRecord)
class FlagChangeRecordAdmin(ReadOnlyAdmin):
    """The flag history, written by the recompute only (docs/rules.md, "Flag history")."""

    list_display = ("claim_id", "effective_on", "old_status", "new_status", "grade", "cause", "cause_text", "at")
    list_filter = ("cause",)
    search_fields = ("=claim__id", "cause_text")
    date_hierarchy = "at"

    @admin.display(description="old status")
    def old_status(self, obj):
        return (obj.old or {}).get("status", "—")

    @admin.display(description="new status")
    def new_status(self, obj):
        return obj.new.get("status")

    @admin.display(description="grade")
    def grade(self, obj):
        return obj.new.get("grade")


@admin.register(Tombstone)
class TombstoneAdmin(ReadOnlyAdmin):
    list_display = ("claim_id", "external_id", "deleted_at")
    search_fields = ("=claim_id", "external_id")
    date_hierarchy = "deleted_at"
