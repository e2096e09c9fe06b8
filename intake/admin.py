"""The intake in the editors' admin: the intakes read (read-only: drafts are edited on /intake/)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from core.admin import ReadOnlyAdmin
from intake.models import Intake


@admin.register(Intake)
class IntakeAdmin(ReadOnlyAdmin):
    list_display = ("id", "created_at", "title_or_text", "source", "state", "draft_count", "open_link")
    list_filter = ("state",)
    search_fields = ("title", "text", "url")
    date_hierarchy = "created_at"
    list_select_related = ("source",)

    @admin.display(description="article")
    def title_or_text(self, obj: Intake) -> str:
        return (obj.title or obj.text)[:90]

    @admin.display(description="drafts")
    def draft_count(self, obj: Intake) -> int:
        return len(obj.drafts or [])

    @admin.display(description="")
    def open_link(self, obj: Intake) -> str:
        return format_html('<a href="{}">Open on the intake page</a>', reverse("intake:detail", args=[obj.pk]))
