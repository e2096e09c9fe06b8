"""Conflicts: the places and parties that scope a war."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from claims import services
from claims.models import Conflict
from core.admin import (
    ServiceAdmin,
    SlugOptionalForm,
)


class ConflictForm(SlugOptionalForm):
    class Meta:
        model = Conflict
        fields = (*services.CONFLICT_EDITABLE, "places", "parties")

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:  # the database constraint's rule, said on the field
            self.add_error("end", "The end must not be before the start.")
        return data


@admin.register(Conflict)
class ConflictAdmin(ServiceAdmin):
    """Conflicts: which claims belong is computed from the places, parties and period (no claim is
    written when a conflict changes); the list links to them."""

    form = ConflictForm
    service_create = services.conflict_create
    service_update = services.conflict_update
    service_delete = services.conflict_delete
    service_object_kwarg = "conflict"

    list_display = ("name", "start", "end", "place_names", "party_names", "claims_link", "updated_at")
    list_filter = ("start",)
    search_fields = ("name", "slug", "description")
    autocomplete_fields = ("places", "parties")
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "slug", "start", "end", "description")}),
        ("Where and who", {"fields": ("places", "parties")}),
        ("Record", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("places", "parties")

    @admin.display(description="places")
    def place_names(self, obj: Conflict) -> str:
        return ", ".join(p.name for p in obj.places.all()) or "—"

    @admin.display(description="parties")
    def party_names(self, obj: Conflict) -> str:
        return ", ".join(a.name for a in obj.parties.all()) or "—"

    @admin.display(description="claims")
    def claims_link(self, obj: Conflict) -> str:
        return format_html('<a href="{}?conflict={}">its claims</a>', reverse("claims:list"), obj.slug)
