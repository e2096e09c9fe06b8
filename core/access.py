"""Who may read: one rule for the pages, the exports, the API, its schema and its docs.

``FOGWATCH_PUBLIC_READ`` (default true) lets anonymous users read everything. Set to false, every
read needs a logged-in user:

- the pages (``PublicReadMiddleware``): an anonymous visitor is sent to the login page
  (``LOGIN_URL``, the site's own ``/login/``, open to every user, not only staff) with ``?next=``
  back to the page;
- everything under ``/api/`` (the resources, the exports, the schema, the docs): the API's own
  permission classes (``core.api.permissions``) answer 401 JSON, after DRF has read the token or
  the session; the middleware leaves ``/api/`` to them, since a token is only read there.

Always open: the login page, the admin (it has its own login), static files, ``/favicon.ico``, the token
endpoint (``POST /api/v1/auth/token/``: how a tool logs in) and the health endpoints (``/health/``, read by
docker compose and load balancers, which carry no login; anonymous clients read only the verdict, staff
users which check failed and why: ``may_see_health``, core/health.py).

Who changed what (the history of a claim, in the API and on the claim's page) is shown only to staff
users (``editor_shown``); everyone else reads "an editor": no id, no username.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url

API_PREFIX = "/api/"
HEALTH_PREFIX = "/health/"
AN_EDITOR = "an editor"


def public_read() -> bool:
    return bool(settings.FOGWATCH_PUBLIC_READ)


def may_read(user: Any) -> bool:
    """Whether ``user`` (possibly anonymous) may read pages, exports and the API."""
    return public_read() or bool(user is not None and user.is_authenticated)


def is_api(path: str) -> bool:
    return path.startswith(API_PREFIX) or path == API_PREFIX.rstrip("/")


def always_open(path: str) -> bool:
    static = "/" + settings.STATIC_URL.lstrip("/")
    return path.startswith(("/admin/", static, HEALTH_PREFIX)) or path in (
        "/admin",
        "/favicon.ico",
        "/health",
        resolve_url(settings.LOGIN_URL),
    )


class PublicReadMiddleware:
    """Sends anonymous visitors of a page to the login when reads are closed (``may_read``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if not public_read() and not is_api(path) and not always_open(path) and not may_read(request.user):
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)


def may_see_editors(viewer: Any) -> bool:
    """Staff users see who made each change; nobody else does."""
    return bool(viewer is not None and viewer.is_active and viewer.is_staff)


def may_see_health(viewer: Any) -> bool:
    """Staff users read which health check failed and why (an error may name a host or a database);
    everyone else reads only whether Fogwatch is healthy."""
    return may_see_editors(viewer)


def editor_shown(user: Any, viewer: Any) -> dict[str, Any] | None:
    """The author of a change as ``viewer`` may see it: ``{id, username, name}`` for staff, ``{id: None,
    username: None, name: "an editor"}`` for everyone else; None when no user made it (a command, an
    import)."""
    if user is None:
        return None
    if may_see_editors(viewer):
        return {"id": user.pk, "username": user.get_username(), "name": user.get_username()}
    return {"id": None, "username": None, "name": AN_EDITOR}
