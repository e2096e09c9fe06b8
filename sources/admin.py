"""The editors' admin for sources, reports (with the triage list of feed items), feeds and snapshots."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin

from core.admin import AliasesField, ReadOnlyAdmin, ReadOnlyInline, ServiceAdmin, SlugOptionalForm, admin_link
from sources import services
from sources.models import Feed, Report, Snapshot, Source


class SourceForm(SlugOptionalForm):
    aliases = AliasesField(help_text="Other names the source goes by, separated by commas.")

    class Meta:
        model = Source
        fields = services.SOURCE_EDITABLE


class FeedInline(ReadOnlyInline):
    model = Feed
    fields = ("feed_link", "is_active", "last_fetched_at", "last_status", "last_error", "items_seen")
    readonly_fields = fields
    verbose_name_plural = "feeds (edit them under Feeds)"

    @admin.display(description="feed")
    def feed_link(self, obj):
        return admin_link(obj, obj.url)


@admin.register(Source)
class SourceAdmin(ServiceAdmin):
    form = SourceForm
    service_create = services.source_create
    service_update = services.source_update
    service_delete = services.source_delete
    service_object_kwarg = "source"
    service_merge = services.source_merge

    list_display = ("name", "kind", "reliability", "country", "actor_link", "report_count", "updated_at")
    list_filter = ("reliability", "kind")
    search_fields = ("name", "slug", "country", "aliases")
    autocomplete_fields = ("actor",)
    readonly_fields = ("created_at", "updated_at")
    list_select_related = ("actor",)
    inlines = (FeedInline,)
    fieldsets = (
        (None, {"fields": ("name", "slug", "kind", "reliability", "actor", "aliases")}),
        ("Details", {"fields": ("homepage", "country", "description")}),
        ("Record", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_reports=Count("reports", distinct=True))

    @admin.display(description="actor", ordering="actor__name")
    def actor_link(self, obj):
        return admin_link(obj.actor)

    @admin.display(description="reports", ordering="_reports")
    def report_count(self, obj):
        return getattr(obj, "_reports", None)


class ReportForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = services.REPORT_EDITABLE


class SnapshotInline(ReadOnlyInline):
    model = Snapshot
    fields = ("fetched_at", "http_status", "final_url", "redirect_hops", "sha256", "size", "content_type", "error")
    readonly_fields = fields
    verbose_name_plural = "archived snapshots"

    @admin.display(description="redirects")
    def redirect_hops(self, obj):
        hops = obj.redirects or []
        return " → ".join(f"{hop.get('status', '?')} {hop.get('url', '')}" for hop in hops) or "—"


@admin.register(Report)
class ReportAdmin(ServiceAdmin):
    form = ReportForm
    service_create = services.report_create
    service_update = services.report_update
    service_delete = services.report_delete
    service_object_kwarg = "report"
    deletes_with = (Snapshot,)

    list_display = ("title_short", "source", "reliability", "published_at", "triage", "feed_link", "url")
    list_filter = ("triage", "source__reliability", "source__kind", "published_at")
    search_fields = ("title", "url", "summary", "source__name")
    autocomplete_fields = ("source",)
    readonly_fields = ("triage", "feed_link", "created_at", "updated_at")
    list_select_related = ("source", "feed")
    date_hierarchy = "published_at"
    actions = ("accept", "discard", "back_to_triage")
    inlines = (SnapshotInline,)
    fieldsets = (
        (None, {"fields": ("source", "title", "url", "published_at", "author", "language", "summary")}),
        ("Triage", {"fields": ("triage", "feed_link")}),
        ("Record", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

    # -- autocompletes: whose report, and when (imported titles are often codes, "IBD016978") ---

    autocomplete_select_related = ("source",)

    def autocomplete_label(self, obj: Report) -> str:
        when = timezone.localdate(obj.published_at).isoformat() if obj.published_at else "undated"
        return f"{obj.source.name}, {when}: {Truncator(obj.title).chars(100) or obj.url or f'report #{obj.pk}'}"

    @admin.display(description="title", ordering="title")
    def title_short(self, obj):
        return Truncator(obj.title).chars(90)

    @admin.display(description="reliability", ordering="source__reliability")
    def reliability(self, obj):
        return obj.source.reliability

    @admin.display(description="feed")
    def feed_link(self, obj):
        return admin_link(obj.feed, obj.feed.url) if obj and obj.feed_id else "—"

    def _set_triage(self, request, queryset, triage):
        try:
            with transaction.atomic():
                changed = sum(
                    1
                    for report in queryset.select_related(None).only("pk", "triage")
                    if report.triage != triage and services.report_set_triage(report=report, triage=triage)
                )
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return
        label = Report.Triage(triage).label.lower()
        self.message_user(request, f"{changed} report(s) marked “{label}”.", messages.SUCCESS)

    @admin.action(description="Accept selected reports", permissions=["change"])
    def accept(self, request, queryset):
        self._set_triage(request, queryset, Report.Triage.ACCEPTED)

    @admin.action(description="Discard selected reports", permissions=["change"])
    def discard(self, request, queryset):
        self._set_triage(request, queryset, Report.Triage.DISCARDED)

    @admin.action(description="Put selected reports back to triage", permissions=["change"])
    def back_to_triage(self, request, queryset):
        self._set_triage(request, queryset, Report.Triage.PENDING)


class FeedErrorFilter(admin.SimpleListFilter):
    title = "last pull"
    parameter_name = "pull"

    def lookups(self, request, model_admin):
        return (("failed", "Failed"), ("ok", "Succeeded"), ("never", "Never pulled"))

    def queryset(self, request, queryset):
        if self.value() == "failed":
            return queryset.exclude(last_error="")
        if self.value() == "ok":
            return queryset.filter(last_error="", last_fetched_at__isnull=False)
        if self.value() == "never":
            return queryset.filter(last_fetched_at__isnull=True)
        return queryset


@admin.register(Feed)
class FeedAdmin(SimpleHistoryAdmin):
    """Feed URLs of a source. The pull task writes the last status and error; editors read them here."""

    list_display = ("url", "source", "is_active", "last_fetched_at", "last_status", "error_short", "items_seen")
    list_filter = ("is_active", FeedErrorFilter)
    search_fields = ("url", "source__name")
    autocomplete_fields = ("source",)
    readonly_fields = ("last_fetched_at", "last_status", "last_error", "items_seen", "created_at")
    list_select_related = ("source",)
    fieldsets = (
        (None, {"fields": ("source", "url", "is_active")}),
        ("Last pull", {"fields": ("last_fetched_at", "last_status", "last_error", "items_seen", "created_at")}),
    )

    actions = ("pull_now",)

    @admin.display(description="last error", ordering="last_error")
    def error_short(self, obj):
        return Truncator(obj.last_error).chars(80) or "—"

    @admin.action(description="Pull selected feeds now (in the background)", permissions=["change"])
    def pull_now(self, request, queryset):
        from core.tasks import enqueue
        from sources.tasks import feed_pull

        ids = list(queryset.filter(is_active=True).values_list("pk", flat=True))
        for feed_id in ids:
            enqueue(feed_pull, feed_id)  # after the commit; the request never waits on the network
        self.message_user(
            request,
            f"{len(ids)} feed(s) queued for a pull; new items appear under Reports, awaiting triage.",
            messages.SUCCESS,
        )


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    list_display = ("report", "fetched_at", "http_status", "final_url", "sha256", "size", "error")
    list_filter = ("http_status",)
    search_fields = ("report__title", "final_url", "sha256")
    list_select_related = ("report",)
    date_hierarchy = "fetched_at"
