"""What a locked-out address is told (django-axes calls ``locked_out``): a 429 with ``Retry-After``,
JSON under ``/api/`` in the API's error shape, a short page elsewhere (the admin's login)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse


def _cool_off_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    seconds = _cool_off_seconds()
    minutes = max(1, round(seconds / 60))
    message = f"Too many failed logins from this address: try again in {minutes} minute{'s' if minutes != 1 else ''}."
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message}, status=429)
    else:
        response = HttpResponse(
            f"<!doctype html><title>Too many failed logins</title><h1>Too many failed logins</h1><p>{message}</p>",
            status=429,
        )
    response["Retry-After"] = str(seconds)
    return response
