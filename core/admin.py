"""What every Fogwatch admin class shares: writes go through the services, never the model.

``ServiceAdmin`` turns the admin's save and delete hooks into service calls:

- ``save_model`` calls ``service_create`` / ``service_update`` with the form's cleaned data and
  copies what the service wrote back onto the admin's object (so redirects and log entries work);
- a ``ValidationError`` raised by a service (inside the admin's transaction, so nothing is kept)
  re-renders the same form with the errors next to their fields: status 200, never a 500;
- a refused delete (``ReferencedError``) leaves everything in place and shows an error message,
  from the delete page and from the "delete selected" action alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import model_format_dict
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from core.services import ReferencedError

_ERRORS_ATTR = "_fogwatch_service_errors"

STATUS_COLOURS = {
    "retracted": "#6b7280",
    "superseded": "#6b7280",
    "confirmed": "#15803d",
    "refuted": "#991b1b",
    "contested": "#b45309",
    "corroborated": "#1d4ed8",
    "unverified": "#7c3aed",
}


# ---------------------------------------------------------------------------------------------
# Small display helpers
# ---------------------------------------------------------------------------------------------


def admin_link(obj: models.Model | None, text: Any = None) -> str:
    """A link to an object's change page in the admin, or an em dash."""
    if obj is None:
        return "—"
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, text if text is not None else obj)


def status_badge(status: str, label: str | None = None) -> str:
    colour = STATUS_COLOURS.get(status, "#374151")
    return format_html(
        '<span class="fw-status fw-status-{}" style="background:{};color:#fff;padding:1px 7px;'
        'border-radius:9px;font-size:11px;white-space:nowrap">{}</span>',
        status,
        colour,
        label or status,
    )


def html_list(items: Iterable[Any]) -> str:
    """An escaped <ul> of the items, or an em dash when there are none."""
    items = list(items)
    if not items:
        return "—"
    return format_html(
        '<ul style="margin:0;padding-left:1.2em">{}</ul>', format_html_join("", "<li>{}</li>", ((i,) for i in items))
    )


# ---------------------------------------------------------------------------------------------
# Autocomplete labels
# ---------------------------------------------------------------------------------------------


class AutocompleteView(AutocompleteJsonView):
    """The admin's autocomplete, labelled by the searched model's admin: ``autocomplete_label(obj)``
    (default ``str``), its rows read with ``autocomplete_select_related`` so a page of results is
    one query whatever its length."""

    def get_queryset(self) -> models.QuerySet:
        related = getattr(self.model_admin, "autocomplete_select_related", ())
        queryset = super().get_queryset()
        return queryset.select_related(*related) if related else queryset

    def serialize_result(self, obj: models.Model, to_field_name: str) -> dict[str, Any]:
        label = getattr(self.model_admin, "autocomplete_label", str)
        return {"id": str(getattr(obj, to_field_name)), "text": label(obj)}


class AutocompleteLabelsMixin:
    """An admin (or inline) whose autocomplete fields show a chosen object with the same label as the
    autocomplete's results (the related admin's ``autocomplete_label``), read in the same query."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]
        related_admin = self.admin_site._registry.get(db_field.remote_field.model)  # type: ignore[attr-defined]
        label = getattr(related_admin, "autocomplete_label", None)
        if formfield is not None and label is not None:
            formfield.label_from_instance = label
            related = getattr(related_admin, "autocomplete_select_related", ())
            if related:
                formfield.queryset = formfield.queryset.select_related(*related)
        return formfield


# ---------------------------------------------------------------------------------------------
# Form fields
# ---------------------------------------------------------------------------------------------


class AliasesField(forms.CharField):
    """Aliases edited as one comma-separated line, stored as a list of strings."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "Alternate names and spellings, separated by commas.")
        kwargs.setdefault("widget", forms.TextInput(attrs={"size": 80}))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, list | tuple):
            return [str(v).strip() for v in value if str(v).strip()]
        text = super().to_python(value) or ""
        seen: dict[str, None] = {}
        for part in text.split(","):
            if part.strip():
                seen.setdefault(part.strip(), None)
        return list(seen)

    def has_changed(self, initial: Any, data: Any) -> bool:
        return self.to_python(initial or []) != self.to_python(data)


class SlugOptionalForm(forms.ModelForm):
    """A model form whose ``slug`` may be left empty: the service makes it from the name."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = "Letters, digits, - and _. Made from the name when left empty."


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has it, else on top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.message_dict.items():
        if name in form.fields and name not in form.errors:
            form.add_error(name, errors)
        elif name in form.fields:
            continue  # the form already says what is wrong with this field
        elif name == NON_FIELD_ERRORS:
            form.add_error(None, errors)
        else:
            label = name.replace("_", " ").capitalize()
            form.add_error(None, [f"{label}: {message}" for message in errors])


# ---------------------------------------------------------------------------------------------
# The admin base class
# ---------------------------------------------------------------------------------------------


def copy_saved(target: models.Model, saved: models.Model) -> models.Model:
    """Make the admin's (unsaved) object the one the service wrote: pk, every column, saved state."""
    for field in saved._meta.concrete_fields:
        setattr(target, field.attname, getattr(saved, field.attname))
    target._state.adding = False
    target._state.db = saved._state.db
    return target


@admin.action(permissions=["delete"], description="Delete selected %(verbose_name_plural)s")
def delete_selected(modeladmin: ServiceAdmin, request: HttpRequest, queryset: models.QuerySet) -> Any:
    """Django's delete-selected action, all or nothing: a refused delete deletes nothing and says why."""
    try:
        with transaction.atomic(using=queryset.db):
            return django_delete_selected(modeladmin, request, queryset)
    except ReferencedError as exc:
        modeladmin.message_user(request, f"Nothing was deleted. {exc.message}", messages.ERROR)
    except ValidationError as exc:
        modeladmin.message_user(request, "Nothing was deleted. " + " ".join(exc.messages), messages.ERROR)
    return None


@admin.action(permissions=["change", "delete"], description="Merge selected %(verbose_name_plural)s into…")
def merge_selected(modeladmin: ServiceAdmin, request: HttpRequest, queryset: models.QuerySet) -> Any:
    """Merge duplicates: a page to choose the one to keep, then every other selected row merged into
    it by the admin's ``service_merge``, in one transaction: a refused merge merges nothing."""
    opts = modeladmin.model._meta
    objects = list(queryset.order_by("pk"))
    if len(objects) < 2:
        modeladmin.message_user(request, f"Select at least two {opts.verbose_name_plural} to merge.", messages.ERROR)
        return None
    if request.POST.get("post") != "yes":
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": f"Merge {opts.verbose_name_plural}",
            "opts": opts,
            "objects": objects,
        }
        return TemplateResponse(request, "admin/merge_selected.html", context)
    keep = next((obj for obj in objects if str(obj.pk) == request.POST.get("keep", "")), None)
    if keep is None:
        message = f"Choose one of the selected {opts.verbose_name_plural} to keep."
        modeladmin.message_user(request, message, messages.ERROR)
        return None
    others = [obj for obj in objects if obj.pk != keep.pk]
    try:
        with transaction.atomic(using=queryset.db):
            for other in others:
                keep = modeladmin.call_merge(request, other, keep)
    except ValidationError as exc:
        modeladmin.message_user(request, "Nothing was merged. " + " ".join(exc.messages), messages.ERROR)
        return None
    except ReferencedError as exc:
        modeladmin.message_user(request, f"Nothing was merged. {exc.message}", messages.ERROR)
        return None
    names = ", ".join(f"{other} (#{other.pk})" for other in others)
    noun = opts.verbose_name if len(others) == 1 else opts.verbose_name_plural
    modeladmin.message_user(
        request, f"Merged {len(others)} {noun} into “{keep}” (#{keep.pk}): {names}.", messages.SUCCESS
    )
    return None


class DeletesWithMixin:
    """Rows of ``deletes_with`` models go with the object (the service or a cascade removes them):
    the editor needs no delete permission of their own admin (often read-only) to delete it."""

    deletes_with: tuple[type[models.Model], ...] = ()

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple[list, dict, set, list]:
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)  # type: ignore[misc]
        perms_needed = perms_needed - {model._meta.verbose_name for model in self.deletes_with}
        return deleted, counts, perms_needed, protected


class ServiceAdmin(AutocompleteLabelsMixin, DeletesWithMixin, SimpleHistoryAdmin):
    """A history-keeping admin whose writes are service calls.

    Subclasses name their services; ``service_fields`` lists the fields handed to them.
    """

    service_create: Callable[..., models.Model] | None = None
    service_update: Callable[..., models.Model] | None = None
    service_delete: Callable[..., None] | None = None
    # Merges a duplicate into another (``into=``): offers the "Merge selected into…" action.
    service_merge: Callable[..., models.Model] | None = None
    # The keyword under which the update/delete services take the object ("actor", "claim", ...).
    service_object_kwarg: str = ""

    # -- services ---------------------------------------------------------------------------

    def service_fields(self, request: HttpRequest, form: forms.ModelForm, change: bool) -> dict[str, Any]:
        """The form's cleaned data for the model's own fields."""
        names = {f.name for f in self.model._meta.get_fields()}
        return {name: value for name, value in form.cleaned_data.items() if name in names}

    def call_create(self, request: HttpRequest, fields: Mapping[str, Any]) -> models.Model:
        assert self.service_create is not None
        return type(self).service_create(**fields)  # type: ignore[misc]

    def call_update(self, request: HttpRequest, obj: models.Model, fields: Mapping[str, Any]) -> models.Model:
        assert self.service_update is not None
        return type(self).service_update(**{self.service_object_kwarg: obj}, **fields)  # type: ignore[misc]

    def call_delete(self, request: HttpRequest, obj: models.Model) -> None:
        assert self.service_delete is not None
        type(self).service_delete(**{self.service_object_kwarg: obj})  # type: ignore[misc]

    def call_merge(self, request: HttpRequest, obj: models.Model, into: models.Model) -> models.Model:
        assert self.service_merge is not None
        return type(self).service_merge(**{self.service_object_kwarg: obj}, into=into)  # type: ignore[misc]

    # -- admin hooks --------------------------------------------------------------------------

    def save_model(self, request: HttpRequest, obj: models.Model, form: forms.ModelForm, change: bool) -> None:
        fields = self.service_fields(request, form, change)
        saved = self.call_update(request, obj, fields) if change else self.call_create(request, fields)
        copy_saved(obj, saved)

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets: list, change: bool) -> None:
        """Inlines of service-written models are read-only: nothing to save but the bookkeeping."""
        for formset in formsets:
            mark_unsaved(formset)

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        self.call_delete(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        for obj in queryset:
            self.call_delete(request, obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _, name, description = actions["delete_selected"]
            actions["delete_selected"] = (delete_selected, name, description)
        may = self.has_change_permission(request) and self.has_delete_permission(request)
        if self.service_merge is not None and may:
            description = merge_selected.short_description % model_format_dict(self.opts)  # type: ignore[attr-defined]
            actions["merge_selected"] = (merge_selected, "merge_selected", description)
        return actions

    # -- service errors become form errors ----------------------------------------------------

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)
        errors = getattr(request, _ERRORS_ATTR, None)
        if errors is None:
            return form_class

        def _post_clean(form: forms.ModelForm) -> None:
            form_class._post_clean(form)
            add_service_errors(form, errors)

        return type(form_class.__name__, (form_class,), {"_post_clean": _post_clean})

    def _rerender_on_validation_error(self, view: Callable[..., Any], request: HttpRequest, *args: Any) -> Any:
        try:
            return view(request, *args)
        except ValidationError as exc:
            if request.method != "POST" or hasattr(request, _ERRORS_ATTR):
                raise
            # The service refused: its transaction (and the admin's) rolled back. Show the same
            # form again, now carrying the service's errors, so the editor can correct them.
            setattr(request, _ERRORS_ATTR, exc)
            return view(request, *args)

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> Any:
        return self._rerender_on_validation_error(super().changeform_view, request, object_id, form_url, extra_context)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> Any:
        return self._rerender_on_validation_error(
            super().history_form_view, request, object_id, version_id, extra_context
        )

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        try:
            return super().delete_view(request, object_id, extra_context)
        except (ReferencedError, ValidationError) as exc:
            text = exc.message if isinstance(exc, ReferencedError) else " ".join(exc.messages)
            self.message_user(request, f"Nothing was deleted. {text}", messages.ERROR)
            opts = self.model._meta
            return HttpResponseRedirect(
                reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_change",
                    args=[object_id],
                    current_app=self.admin_site.name,
                )
            )


def mark_unsaved(formset: Any) -> None:
    """The lists ``construct_change_message`` reads, for a formset whose rows a service wrote (or none)."""
    for attr in ("new_objects", "changed_objects", "deleted_objects"):
        if not hasattr(formset, attr):
            setattr(formset, attr, [])


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by the system (deliveries, jobs, snapshots): viewable, never edited here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
