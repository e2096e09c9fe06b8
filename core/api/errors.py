"""Django's error views (``handler400``, ``403``, ``404``, ``500`` in ``config/urls.py``): JSON in the
API's error shape (``{"detail": "…"}``) for paths under ``/api/``, the site's HTML templates elsewhere.

They answer what no API view did: a path that is no route (``/api/v1/claims//``), an exception a view
did not handle (a 500), a request refused before any view ran. ``BodyLimitMiddleware`` refuses (413)
an API request whose body is announced larger than the limit before anything reads it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from core.access import is_api
from core.api.parsers import BodyTooLarge


def error_response(status: int, detail: str, **extra: Any) -> JsonResponse:
    return JsonResponse({"detail": detail, **extra}, status=status, json_dumps_params={"separators": (",", ":")})


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request.path_info):
        return error_response(400, "Bad request: the request could not be read.")
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request.path_info):
        return error_response(403, "You do not have permission to perform this action.")
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request.path_info):
        return error_response(404, "Not found: no API resource at this path. The resources are listed at /api/v1/.")
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api(request.path_info):
        return error_response(500, "Server error: the request failed on our side (it is logged). Try again later.")
    return defaults.server_error(request)


class BodyLimitMiddleware:
    """Under ``/api/``, a body whose ``Content-Length`` is past ``DATA_UPLOAD_MAX_MEMORY_SIZE``
    (``FOGWATCH_MAX_BODY_BYTES``) is a 413 at once: nothing reads it (Django would spool the files of a
    multipart body to disk whatever their size)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and is_api(request.path_info):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                return error_response(413, str(BodyTooLarge(limit).detail))
        return self.get_response(request)
