"""The editors' admin for claims, citations, relations and background jobs.

A claim and its citations are one write: the admin validates the claim form and the citation
formset, then ``save_related`` hands both to ``claim_create`` / ``claim_update``, which
recompute the flags of every claim affected before the page is answered. Relations are
written through ``relation_create`` / ``relation_update`` / ``relation_delete``; automatic
relations (rule 7) are shown, never edited.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet, construct_instance
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin

from claims import selectors, services
from claims.models import Citation, Claim, Conflict, FlagChangeRecord, RecomputeJob, Relation, Tombstone
from core.admin import (
    AutocompleteLabelsMixin,
    ReadOnlyAdmin,
    ReadOnlyInline,
    ServiceAdmin,
    SlugOptionalForm,
    add_service_errors,
    admin_link,
    copy_saved,
    mark_unsaved,
    status_badge,
)

# ---------------------------------------------------------------------------------------------
# Display helpers
# ---------------------------------------------------------------------------------------------

FLAG_LABELS = (("contested", "contested", "#b45309"), ("corroborated", "corroborated", "#1d4ed8"))


def claim_flags(claim: Claim) -> str:
    shown = [(label, colour) for attr, label, colour in FLAG_LABELS if getattr(claim, attr)]
    if claim.unverified:
        shown.append(("unverified", "#7c3aed"))
    if not shown:
        return "—"
    return format_html_join(
        " ",
        '<span style="border:1px solid {};color:{};padding:0 5px;border-radius:8px;font-size:11px">{}</span>',
        ((colour, colour, label) for label, colour in shown),
    )


def claim_link(claim: Claim | None) -> str:
    if claim is None:
        return "—"
    return format_html("{} {}", admin_link(claim, Truncator(str(claim)).chars(90)), status_badge(claim.status))


def reasons_html(reasons: list) -> str:
    """The reasons as an escaped list of their sentences, each linking to the claim that causes it."""
    if not reasons:
        return "—"
    items = []
    summaries = selectors.reason_summaries(reasons)
    for reason in reasons:
        text = reason.get("text") or reason.get("code", "")
        other = reason.get("claim")
        if other:
            url = reverse("admin:claims_claim_change", args=[other])
            summary = Truncator(summaries.get(other, "")).chars(120)
            items.append(format_html('{} (<a href="{}">claim #{}: “{}”</a>)', text, url, other, summary))
        else:
            items.append(format_html("{}", text))
    return format_html(
        '<ul class="fw-reasons" style="margin:0;padding-left:1.2em">{}</ul>',
        format_html_join("", "<li>{}</li>", ((item,) for item in items)),
    )


# ---------------------------------------------------------------------------------------------
# Claims
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# Relations
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# Background work
# ---------------------------------------------------------------------------------------------


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
