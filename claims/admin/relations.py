"""Relations, written through ``relation_create`` / ``relation_update`` / ``relation_delete``;
automatic relations (rule 7) are shown, never edited."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import construct_instance
from django.utils.text import Truncator

from claims import services
from claims.admin.display import claim_link
from claims.models import Relation
from core.admin import (
    ServiceAdmin,
    add_service_errors,
)


class RelationForm(forms.ModelForm):
    class Meta:
        model = Relation
        fields = ("claim", "target", "stance", "note")
        widgets = {"note": forms.Textarea(attrs={"rows": 3, "cols": 100})}

    def _post_clean(self) -> None:
        # The service owns the rules: an editor's relation may take the key of an automatic one
        # (replacing it), which the model's unique constraint alone would refuse.
        try:
            self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
        except ValidationError as exc:
            self._update_errors(exc)
            return
        if self.errors:
            return
        try:
            services.relation_validate(self.instance)
        except ValidationError as exc:
            add_service_errors(self, exc)


class AutoRelationReadOnly:
    """Automatic relations follow from the claims: they can be read, not changed or deleted."""

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.origin == Relation.Origin.AUTO:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.origin == Relation.Origin.AUTO:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Relation)
class RelationAdmin(AutoRelationReadOnly, ServiceAdmin):
    form = RelationForm
    service_create = services.relation_create
    service_update = services.relation_update
    service_delete = services.relation_delete
    service_object_kwarg = "relation"

    list_display = ("id", "claim_link", "stance", "target_link", "origin", "note_short", "created_at")
    list_filter = ("stance", "origin")
    search_fields = ("claim__summary", "target__summary", "note")
    autocomplete_fields = ("claim", "target")
    list_select_related = ("claim", "target")
    readonly_fields = ("origin", "created_at", "updated_at")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("claim", "target", "stance", "note")
        return ("claim", "target", "stance", "note", "origin", "created_at", "updated_at")

    @admin.display(description="responding claim", ordering="claim")
    def claim_link(self, obj):
        return claim_link(obj.claim)

    @admin.display(description="target claim", ordering="target")
    def target_link(self, obj):
        return claim_link(obj.target)

    @admin.display(description="note")
    def note_short(self, obj):
        if obj.origin == Relation.Origin.AUTO:
            return "Automatic: follows from the two claims (rule 7)."
        return Truncator(obj.note).chars(80) or "—"

    def delete_queryset(self, request, queryset):
        automatic = queryset.filter(origin=Relation.Origin.AUTO).count()
        if automatic:
            raise ValidationError(
                f"{automatic} of the selected relations are automatic: they follow from the claims and change "
                "only when the claims change."
            )
        super().delete_queryset(request, queryset)
