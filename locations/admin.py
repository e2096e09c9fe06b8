"""The editors' admin for places: writes through locations.services (no parent loops)."""

from django.contrib import admin
from django.core.validators import MaxValueValidator, MinValueValidator

from core.admin import AliasesField, ServiceAdmin, SlugOptionalForm, admin_link
from locations import services
from locations.models import Location


class LocationForm(SlugOptionalForm):
    aliases = AliasesField(help_text="Alternate spellings (Shattal, Shotul), separated by commas.")

    class Meta:
        model = Location
        fields = services.EDITABLE

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The ranges are database constraints; checked here too so the error sits on its field.
        for name, bound in (("latitude", 90), ("longitude", 180)):
            self.fields[name].min_value, self.fields[name].max_value = -bound, bound
            self.fields[name].validators += [MinValueValidator(-bound), MaxValueValidator(bound)]


@admin.register(Location)
class LocationAdmin(ServiceAdmin):
    form = LocationForm
    service_create = services.location_create
    service_update = services.location_update
    service_delete = services.location_delete
    service_object_kwarg = "location"
    service_merge = services.location_merge

    list_display = ("name", "kind", "parent_link", "latitude", "longitude", "updated_at")
    list_filter = ("kind",)
    search_fields = ("name", "slug", "aliases")
    autocomplete_fields = ("parent",)
    readonly_fields = ("within", "created_at", "updated_at")
    list_select_related = ("parent",)
    fieldsets = (
        (None, {"fields": ("name", "slug", "kind", "aliases", "description")}),
        ("Place", {"fields": ("parent", "within", "latitude", "longitude")}),
        ("Record", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

    @admin.display(description="parent", ordering="parent__name")
    def parent_link(self, obj):
        return admin_link(obj.parent)

    @admin.display(description="within")
    def within(self, obj):
        """The chain of places above this one, nearest last (Afghanistan › Parwan)."""
        if obj is None or not obj.path:
            return "—"
        ids = obj.path_ids[:-1]
        names = dict(Location.objects.filter(pk__in=ids).values_list("pk", "name"))
        return " › ".join(names.get(i, f"#{i}") for i in ids) or "—"
