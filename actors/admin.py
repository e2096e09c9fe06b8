"""The editors' admin for actors: writes through actors.services; a parent change is a bloc move."""

from django.contrib import admin
from django.db.models import Count

from actors import services
from actors.models import Actor
from core.admin import AliasesField, ServiceAdmin, SlugOptionalForm, admin_link


class ActorForm(SlugOptionalForm):
    aliases = AliasesField()

    class Meta:
        model = Actor
        fields = services.EDITABLE


@admin.register(Actor)
class ActorAdmin(ServiceAdmin):
    form = ActorForm
    service_create = services.actor_create
    service_update = services.actor_update
    service_delete = services.actor_delete
    service_object_kwarg = "actor"
    service_merge = services.actor_merge

    list_display = ("name", "kind", "parent_link", "bloc_link", "is_party", "claim_count", "updated_at")
    list_filter = ("kind", "is_party")
    search_fields = ("name", "slug", "aliases")
    autocomplete_fields = ("parent",)
    readonly_fields = ("bloc_link", "created_at", "updated_at")
    list_select_related = ("parent", "bloc")
    fieldsets = (
        (None, {"fields": ("name", "slug", "kind", "is_party", "aliases", "description")}),
        (
            "Affiliation",
            {
                "fields": ("parent", "bloc_link"),
                "description": "The bloc is the root of the parent chain. Changing the parent moves this actor and "
                "everyone below it to the new parent's bloc; the flags of every claim affected are recomputed.",
            },
        ),
        ("Record", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_claims=Count("claims_made", distinct=True))

    @admin.display(description="parent", ordering="parent__name")
    def parent_link(self, obj):
        return admin_link(obj.parent)

    @admin.display(description="bloc", ordering="bloc__name")
    def bloc_link(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return admin_link(obj.bloc)

    @admin.display(description="claims made", ordering="_claims")
    def claim_count(self, obj):
        return getattr(obj, "_claims", None)
