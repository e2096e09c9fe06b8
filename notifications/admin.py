"""The editors' admin for webhook subscriptions (with their state and a resume action) and the
read-only log of deliveries."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Max
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from claims.models import Claim
from core.admin import ReadOnlyAdmin, ServiceAdmin
from notifications import services, webhooks
from notifications.models import WebhookDelivery, WebhookSubscription


class WebhookSubscriptionForm(forms.ModelForm):
    statuses = forms.MultipleChoiceField(
        choices=Claim.Status.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only claims whose new status is one of these; none ticked: every status.",
    )

    class Meta:
        model = WebhookSubscription
        fields = services.SUBSCRIPTION_EDITABLE


class PausedFilter(admin.SimpleListFilter):
    title = "delivery state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return (("paused", "Paused (kept failing)"), ("live", "Delivering"), ("off", "Switched off"))

    def queryset(self, request, queryset):
        if self.value() == "paused":
            return queryset.filter(paused_at__isnull=False)
        if self.value() == "live":
            return queryset.filter(is_active=True, paused_at__isnull=True)
        if self.value() == "off":
            return queryset.filter(is_active=False)
        return queryset


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(ServiceAdmin):
    """Written through ``notifications.services``: a URL on a refused address is a form error on
    ``url``."""

    form = WebhookSubscriptionForm
    service_create = services.subscription_create
    service_update = services.subscription_update
    service_delete = services.subscription_delete
    service_object_kwarg = "subscription"
    deletes_with = (WebhookDelivery,)
    list_display = ("name", "url", "state", "paused_since", "consecutive_failures", "last_delivery", "deliveries_link")
    list_filter = (PausedFilter, "is_active")
    search_fields = ("name", "url")
    autocomplete_fields = ("claimant_bloc", "location")
    readonly_fields = ("state", "paused_since", "consecutive_failures", "created_at", "deliveries_link")
    actions = ("resume",)
    fieldsets = (
        (None, {"fields": ("name", "url", "secret", "is_active")}),
        ("Filters", {"fields": ("statuses", "claimant_bloc", "location")}),
        ("Delivery", {"fields": ("state", "paused_since", "consecutive_failures", "deliveries_link", "created_at")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_last_delivery=Max("deliveries__created_at"))

    @admin.display(description="state")
    def state(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        if obj.paused_at:
            return format_html(
                '<strong style="color:#991b1b">PAUSED</strong> after {} failures', obj.consecutive_failures
            )
        if not obj.is_active:
            return "switched off"
        return "delivering"

    @admin.display(description="paused since", ordering="paused_at")
    def paused_since(self, obj):
        if obj is None or not obj.paused_at:
            return "—"
        return obj.paused_at

    @admin.display(description="last delivery", ordering="_last_delivery")
    def last_delivery(self, obj):
        return getattr(obj, "_last_delivery", None) or "—"

    @admin.display(description="deliveries")
    def deliveries_link(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        url = reverse("admin:notifications_webhookdelivery_changelist")
        return format_html('<a href="{}?subscription__id__exact={}">deliveries</a>', url, obj.pk)

    @admin.action(description="Resume selected subscriptions (deliver again)", permissions=["change"])
    def resume(self, request, queryset):
        resumed = 0
        for subscription in queryset.filter(paused_at__isnull=False):
            webhooks.subscription_resume(subscription=subscription)
            resumed += 1
        self.message_user(request, f"{resumed} subscription(s) resumed.", messages.SUCCESS)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "subscription",
        "claim",
        "event_id",
        "attempt",
        "attempted_at",
        "response_code",
        "delivered",
        "error_short",
    )
    list_filter = ("delivered", "subscription", "response_code")
    search_fields = ("event_id", "=claim_id", "error")
    list_select_related = ("subscription",)
    date_hierarchy = "created_at"

    @admin.display(description="claim", ordering="claim_id")
    def claim(self, obj):
        url = reverse("admin:claims_claim_change", args=[obj.claim_id])
        return format_html('<a href="{}">#{}</a>', url, obj.claim_id)

    @admin.display(description="error")
    def error_short(self, obj):
        return Truncator(obj.error).chars(80) or "—"
