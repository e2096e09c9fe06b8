"""Error reports to Sentry, only when ``SENTRY_DSN`` is set (config/settings.py calls ``init``).

Without a DSN the SDK is never initialised: nothing is sent anywhere, and no Sentry code runs. With one,
the SDK reports unhandled exceptions in views, commands and Celery tasks, and every ERROR log line,
with the request id as the tag ``request_id`` (the same id as the response's ``X-Request-ID`` and the
log lines'). ``send_default_pii`` is off: no cookies, no user names or emails, no client addresses;
the SDK's scrubber also blanks fields named like passwords, tokens and secrets in request bodies and
stack frames. Performance tracing is off unless ``SENTRY_TRACES_SAMPLE_RATE`` asks for a share.

The SDK sends with its own HTTP client, to the DSN's host: the one outbound request that does not go
through core/http.py (docs/security.md, "Outbound requests"). The address is the operator's setting,
never something a user or a feed supplies.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any


def default_release() -> str | None:
    try:
        return f"fogwatch@{version('fogwatch')}"
    except PackageNotFoundError:
        return None


def tag_request_id(event: Any, hint: dict[str, Any]) -> Any:
    """``before_send``: the request id of the request or task the event happened in."""
    from django_guid import get_guid

    request_id = get_guid()
    if request_id:
        tags = event.get("tags")
        if isinstance(tags, dict):
            tags.setdefault("request_id", request_id)
        else:
            event["tags"] = {"request_id": request_id}
    return event


def init(dsn: str, *, environment: str, release: str, traces_sample_rate: float) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        environment=environment,
        release=release or default_release(),
        traces_sample_rate=traces_sample_rate,
        before_send=tag_request_id,
    )
