"""Writes of webhook subscriptions: one path for the admin and the API.

A subscription's URL is checked when it is saved: a URL whose host is written as a refused address
(``http://10.0.0.1/``, ``http://2130706433/``, ``http://[::ffff:127.0.0.1]/``) or names this machine
(``localhost``) is refused on the ``url`` field, unless ``FOGWATCH_FETCH_ALLOW_PRIVATE``. The check
does not resolve names (a form or an API call never waits on the network); the real guard is the
check of every delivery (``core.http``), which resolves the name each time, since DNS can change.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from claims.models import Claim
from core import http
from core.services import apply_fields, delete_or_refuse, full_clean
from notifications.models import WebhookSubscription

SUBSCRIPTION_EDITABLE = ("name", "url", "secret", "is_active", "statuses", "claimant_bloc", "location")


def subscription_url_problem(url: str) -> str:
    """Why deliveries could never go to ``url`` (judged without the network), or ""."""
    why = http.url_refusal(url)
    if why.startswith(http.REFUSED):
        return f"Refused: {why.removeprefix(http.REFUSED)}. Webhooks are delivered to public addresses only."
    return why


def _prepare(subscription: WebhookSubscription) -> None:
    subscription.name = (subscription.name or "").strip()
    subscription.url = (subscription.url or "").strip()
    errors: dict[str, list[str]] = {}
    statuses = list(dict.fromkeys(subscription.statuses or []))
    unknown = [s for s in statuses if s not in Claim.Status.values]
    if unknown:
        errors["statuses"] = [
            f"Unknown status {', '.join(map(repr, unknown))}: one of {', '.join(Claim.Status.values)}."
        ]
    subscription.statuses = statuses
    try:
        full_clean(subscription)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if "url" not in errors and (problem := subscription_url_problem(subscription.url)):
        errors["url"] = [problem]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def subscription_create(*, name: str, url: str, secret: str, **fields: Any) -> WebhookSubscription:
    subscription = WebhookSubscription(name=name, url=url, secret=secret)
    apply_fields(subscription, fields, SUBSCRIPTION_EDITABLE)
    _prepare(subscription)
    subscription.save()
    return subscription


@transaction.atomic
def subscription_update(*, subscription: WebhookSubscription, **fields: Any) -> WebhookSubscription:
    apply_fields(subscription, fields, SUBSCRIPTION_EDITABLE)
    _prepare(subscription)
    subscription.save()
    return subscription


@transaction.atomic
def subscription_delete(*, subscription: WebhookSubscription) -> None:
    """The subscription and its log of deliveries."""
    subscription.deliveries.all().delete()
    delete_or_refuse(subscription)
