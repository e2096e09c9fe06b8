"""Claims and their citations: one write through ``claim_create`` / ``claim_update``.

The admin validates the claim form and the citation formset, then ``save_related`` hands both
to the service, which recomputes the flags of every claim affected before the page is answered.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin

from claims import services
from claims.admin.display import claim_flags, claim_link, reasons_html
from claims.models import Citation, Claim, FlagChangeRecord, Relation
from core.admin import (
    AutocompleteLabelsMixin,
    ReadOnlyAdmin,
    ReadOnlyInline,
    ServiceAdmin,
    add_service_errors,
    admin_link,
    copy_saved,
    mark_unsaved,
    status_badge,
)


class ClaimForm(forms.ModelForm):
    """The claim's own fields, checked by the service's rules as soon as the form is cleaned."""

    class Meta:
        model = Claim
        fields = services.CLAIM_EDITABLE
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2, "cols": 100}),
            "quote": forms.Textarea(attrs={"rows": 3, "cols": 100}),
            "translation": forms.Textarea(attrs={"rows": 3, "cols": 100}),
            "verdict_rationale": forms.Textarea(attrs={"rows": 3, "cols": 100}),
        }

    editor = ""  # the editor's name (``ClaimAdmin.get_form``): who made a translation left unsigned

    def clean(self) -> dict:
        return sign_translation(super().clean(), self.editor)

    def _post_clean(self) -> None:
        super()._post_clean()
        self._drop_constraint_errors()
        try:
            services.claim_validate(self.instance, None)  # the citations are the formset's to check
        except ValidationError as exc:
            add_service_errors(self, exc)

    def _drop_constraint_errors(self) -> None:
        """The model's row constraints speak in column names ("event_end needs an event_start…") on top
        of the form; the service says the same rule in plain words on the field (and, should it find
        no field to blame, repeats the constraint's message itself), so the form keeps only that."""
        top = self._errors.get(NON_FIELD_ERRORS) if self._errors else None
        if not top:
            return
        raw = {str(constraint.violation_error_message) for constraint in Claim._meta.constraints}
        kept = [error for error in top.as_data() if not raw & set(error.messages)]
        if kept:
            self._errors[NON_FIELD_ERRORS] = self.error_class(kept, error_class="nonfield", renderer=self.renderer)
        else:
            del self._errors[NON_FIELD_ERRORS]


def editor_name(user: Any) -> str:
    """How an editor signs a translation: their full name, else their username."""
    return (user.get_full_name() or user.get_username()).strip()


def sign_translation(data: dict, editor: str) -> dict:
    """The admin's choice (docs/pages.md): a translation entered without ``translated_by`` was made by
    the editor saving it. The API asks for it instead (the service refuses a translation unsigned)."""
    if data.get("translation") and not (data.get("translated_by") or "").strip() and editor:
        data["translated_by"] = editor
    return data


class CitationForm(forms.ModelForm):
    """One citation of the inline: its quote fields checked by the service's rules on their own fields."""

    editor = ""  # set by ``CitationInline.get_formset``

    def clean(self) -> dict:
        data = sign_translation(super().clean(), self.editor)
        if data.get("DELETE") or not data.get("report"):
            return data
        settled, errors = services.citation_quote_settle({name: data.get(name) for name in services.QUOTE_FIELDS})
        for name, message in errors.items():
            self.add_error(name if name in self.fields else None, message)
        data.update({name: value for name, value in settled.items() if name not in errors})
        return data


class CitationFormSet(BaseInlineFormSet):
    def citations(self) -> list[services.CitationInput]:
        kept = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("DELETE") or not data.get("report"):
                continue
            values = {"report": data["report"], **{name: data.get(name) for name in services.QUOTE_FIELDS}}
            kept.append(services.CitationInput.from_values(values, id=form.instance.pk))
        return kept

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        # The rule lives in the service: validate the claim with these citations, keep what it
        # says about the citations (the claim form reports its own fields).
        try:
            services.claim_validate(self.instance, self.citations())
        except ValidationError as exc:
            if "citations" in exc.message_dict:
                raise ValidationError(exc.message_dict["citations"]) from exc

    def record_changes(self, claim: Claim) -> None:
        """What ``construct_change_message`` reads, since the service (not the formset) saved the rows:
        the rows as they are now against the ones the form showed, so a citation the service kept as
        it was (an unchanged quote sent with other line endings, say) is not reported as changed."""
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
        now = {c.pk: c for c in Citation.objects.filter(claim_id=claim.pk).select_related("report")}
        shown = {form.instance.pk: form for form in self.initial_forms if form.instance.pk}
        for pk, form in shown.items():
            row = now.get(pk)
            if row is None:
                self.deleted_objects.append(form.instance)
                continue
            fields = [
                name
                for name in ("report", *services.QUOTE_FIELDS)
                if form.initial.get(name) != row.serializable_value(name)
            ]
            if fields:
                self.changed_objects.append((row, fields))
        self.new_objects = [row for pk, row in now.items() if pk not in shown]


class CitationInline(AutocompleteLabelsMixin, admin.TabularInline):
    model = Citation
    form = CitationForm
    formset = CitationFormSet
    fields = ("report", "quote", "language", "translation", "translation_language", "translated_by", "translated_at")
    fields += ("reliability",)
    readonly_fields = ("reliability",)
    autocomplete_fields = ("report",)
    extra = 1
    verbose_name_plural = "citations (at least one: where the claim was reported)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("report__source")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        for name in ("quote", "translation"):
            formset.form.base_fields[name].widget = forms.Textarea(attrs={"rows": 2, "cols": 40})
        for name in ("language", "translation_language"):
            formset.form.base_fields[name].widget.attrs["size"] = 6
        formset.form.editor = editor_name(request.user)
        return formset

    @admin.display(description="source (reliability)")
    def reliability(self, obj):
        if obj is None or not obj.report_id:
            return "—"
        return f"{obj.report.source} ({obj.report.source.reliability})"


class RelationMadeInline(ReadOnlyInline):
    model = Relation
    fk_name = "claim"
    fields = ("stance", "other", "origin", "note", "edit")
    readonly_fields = fields
    verbose_name = "relation this claim makes"
    verbose_name_plural = "responds to (relations this claim makes)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("target")

    @admin.display(description="target claim")
    def other(self, obj):
        return claim_link(obj.target)

    @admin.display(description="")
    def edit(self, obj):
        return admin_link(obj, "edit" if obj.origin == Relation.Origin.EDITOR else "view")


class RelationReceivedInline(RelationMadeInline):
    fk_name = "target"
    verbose_name = "relation to this claim"
    verbose_name_plural = "responses (relations other claims make to this one)"

    def get_queryset(self, request):
        return admin.TabularInline.get_queryset(self, request).select_related("claim")

    @admin.display(description="responding claim")
    def other(self, obj):
        return claim_link(obj.claim)


@admin.register(Claim)
class ClaimAdmin(ServiceAdmin):
    form = ClaimForm

    class Media:
        css = {"all": ("css/admin.css",)}  # the change list's column widths

    service_delete = services.claim_delete
    service_object_kwarg = "claim"

    list_display = ("id", "summary_short", "status_badge", "flags", "claimant", "claimed_on", "kind", "verdict")
    list_display_links = ("id", "summary_short")
    list_filter = ("status", "kind", "verdict", "contested", "corroborated", "unverified", "claimed_on")
    search_fields = ("summary", "quote", "translation", "claimant__name")
    autocomplete_fields = ("claimant", "spokesperson", "subject", "location")
    list_select_related = ("claimant",)
    date_hierarchy = "claimed_on"
    readonly_fields = (
        "status_badge",
        "flags",
        "contested",
        "corroborated",
        "unverified",
        "reasons_list",
        "relation_links",
        "created_at",
        "updated_at",
    )
    inlines = (CitationInline, RelationMadeInline, RelationReceivedInline)
    fieldsets = (
        (
            "Flags (computed from the relations and the verdict; read-only)",
            {"fields": ("status_badge", "flags", "reasons_list", "relation_links")},
        ),
        ("Who and when", {"fields": ("claimant", "spokesperson", "claimed_on")}),
        ("What", {"fields": ("kind", "summary")}),
        (
            "Quote in its language",
            {
                "fields": (
                    "quote",
                    "language",
                    "translation",
                    ("translation_language", "translated_by", "translated_at"),
                ),
                "description": "The quote verbatim in its own language (a BCP 47 code: ps, prs, ar, uk, fa-AF …), "
                "and a translation beside it. A translation needs the quote; left unsigned, it is signed with "
                "your name (or write machine:<engine> for a machine translation); its time is now when empty.",
            },
        ),
        (
            "The proposition",
            {
                "fields": (
                    "subject",
                    "location",
                    "location_precision",
                    ("event_start", "event_end", "date_precision"),
                    ("count_min", "count_max", "count_unit"),
                ),
                "description": "Control claims need a subject (who holds the place) and a location; casualties "
                "claims a subject (who suffered the losses). An empty event end is the start day; an empty "
                "maximum count is open ended.",
            },
        ),
        ("Editorial verdict", {"fields": ("verdict", "verdict_rationale", "verdict_on")}),
        (
            "Record",
            {
                "fields": ("external_id", "contested", "corroborated", "unverified", "created_at", "updated_at"),
                "classes": ("collapse",),
            },
        ),
    )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.editor = editor_name(request.user)
        return form

    # -- autocompletes: who claimed it, when, and what (a claim's number alone says nothing) ------

    autocomplete_select_related = ("claimant",)

    def autocomplete_label(self, obj: Claim) -> str:
        return f"#{obj.pk} {obj.claimant.name}, {obj.claimed_on.isoformat()}: {Truncator(obj.summary).chars(100)}"

    def get_search_results(self, request, queryset, search_term):
        """Text search of summary, quote and claimant; ``12`` or ``#12`` also finds claim 12."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip().lstrip("#")
        if term.isdigit():
            results |= queryset.filter(pk=int(term))
        return results, may_have_duplicates

    # -- display ----------------------------------------------------------------------------

    @admin.display(description="summary", ordering="summary")
    def summary_short(self, obj):
        return Truncator(obj.summary).chars(100)

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj):
        if obj is None or obj.pk is None:
            return "computed on save"
        return status_badge(obj.status, obj.get_status_display())

    @admin.display(description="flags")
    def flags(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return claim_flags(obj)

    @admin.display(description="reasons")
    def reasons_list(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return reasons_html(obj.reasons)

    @admin.display(description="relations")
    def relation_links(self, obj):
        if obj is None or obj.pk is None:
            return "Save the claim first; then relate it to other claims."
        add = reverse("admin:claims_relation_add")
        return format_html(
            '<a href="{}?claim={}">Add a response by this claim</a> · '
            '<a href="{}?target={}">Add a response to this claim</a>',
            add,
            obj.pk,
            add,
            obj.pk,
        )

    # -- writes: the claim and its citations in one service call -----------------------------

    deletes_with = (Citation, Relation, FlagChangeRecord)

    def get_deleted_objects(self, objs, request):
        """As ``claim_delete`` decides: its citations, its own relations and the automatic relations
        to it go with it; an editor's relation answering it keeps it (delete that relation first)."""
        deleted, counts, perms_needed, _ = super().get_deleted_objects(objs, request)
        answering = Relation.objects.filter(target__in=objs, origin=Relation.Origin.EDITOR).select_related("claim")
        protected = [
            format_html(
                "{} by {}", admin_link(relation, f"Relation #{relation.pk} ({relation.stance})"), relation.claim
            )
            for relation in answering
        ]
        return deleted, counts, perms_needed, protected

    def save_model(self, request, obj, form, change):
        """Nothing yet: the citations are not validated. ``save_related`` writes claim and citations."""

    def save_related(self, request, form, formsets, change):
        citation_formsets = [fs for fs in formsets if fs.model is Citation]
        citations = None
        if citation_formsets and (not change or citation_formsets[0].has_changed()):
            citations = citation_formsets[0].citations()
        fields = {name: form.cleaned_data[name] for name in services.CLAIM_EDITABLE if name in form.cleaned_data}
        if change:
            saved = services.claim_update(claim=form.instance, citations=citations, **fields)
        else:
            saved = services.claim_create(citations=citations or [], **fields)
        copy_saved(form.instance, saved)
        for formset in formsets:
            if formset.model is Citation:
                formset.record_changes(saved)
            mark_unsaved(formset)

    # -- history: a claim is its citations too; reverting one row alone is not offered ---------

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("Claims are not reverted from their history; edit the claim instead.")
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Citation)
class CitationAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Citations are edited inline on their claim; here they can be searched and their history read."""

    list_display = ("id", "claim_link", "report", "quote_short")
    search_fields = ("quote", "report__title", "claim__summary")
    list_select_related = ("claim", "report")

    @admin.display(description="claim", ordering="claim")
    def claim_link(self, obj):
        return claim_link(obj.claim)

    @admin.display(description="quote")
    def quote_short(self, obj):
        return Truncator(obj.quote).chars(80) or "—"
