"""Idempotent POSTs: an ``Idempotency-Key`` header makes a retried write answer what the first one
answered, instead of writing a second time (the IETF draft "The Idempotency-Key HTTP Header
Field", draft-ietf-httpapi-idempotency-key-header, as Stripe applies it).

Every POST of a view with ``IdempotentPosts`` (every resource's create, the intake's create, confirm
and discard; not the token endpoint, which writes nothing a retry could duplicate) takes the header:

- The first request with a key runs, and its answer (status, body, ``Content-Type`` and
  ``Location``) is kept with the key, the user, the method, the path and a fingerprint of the body,
  **in the same transaction** as what it wrote (``core.idempotency``).
- A retry with the same key, path and body gets that answer again, with ``Idempotent-Replayed: true``,
  and writes nothing.
- The same key with another path or body: 422. The same key while the first request runs: 409.
  A key that is empty, longer than 255 characters or not printable ASCII: 400 naming the header.
- A request that fails (any 4xx or 5xx) writes nothing and keeps nothing: its key is free again, so
  the corrected request (or a retry after a server error) may use it.
- Keys are per user, and expire after ``FOGWATCH_IDEMPOTENCY_SECONDS`` (24 hours); the same key
  then starts a new request.

Without the header a POST runs as before. The header is ignored on other methods (PUT, PATCH and
DELETE repeat to the same result) and on anonymous requests (which may not write anyway).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.request import Request

from core import idempotency

HEADER = "Idempotency-Key"
META = "HTTP_IDEMPOTENCY_KEY"
REPLAYED = "Idempotent-Replayed"
MAX_LENGTH = 255
KEPT_HEADERS = ("Content-Type", "Location")

PARAMETER = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Makes a retry of this POST safe: a retry with the same key and the same body answers what the first "
        "request answered (header `Idempotent-Replayed: true`) and writes nothing. 1 to 255 printable ASCII "
        "characters, unique per write (a UUID); kept per user for FOGWATCH_IDEMPOTENCY_SECONDS (24 hours). "
        "The same key with another body or path: 422; while the first request runs: 409."
    ),
)


class KeyReused(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"


class KeyInUse(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_key_in_use"


def bad_key(message: str) -> ValidationError:
    return ValidationError({HEADER: [message]}, code="invalid")


def parse_key(value: str) -> str:
    """The key in the header's value: as sent (``Idempotency-Key: 8e03978e-…``, Stripe's way), or a
    Structured Field string (``Idempotency-Key: "8e03978e-…"``, the IETF draft's way), unquoted."""
    key = value
    if len(value) >= 2 and value[0] == value[-1] == '"':
        key, escaped = "", False
        for char in value[1:-1]:
            if escaped:
                if char not in '"\\':
                    raise bad_key(f'The {HEADER} header is a quoted string with a bad escape "\\{char}".')
                key, escaped = key + char, False
            elif char == "\\":
                escaped = True
            elif char == '"':
                raise bad_key(f"The {HEADER} header is a quoted string with an unescaped quote inside.")
            else:
                key += char
        if escaped:
            raise bad_key(f"The {HEADER} header is a quoted string ending in a lone backslash.")
    if not key:
        raise bad_key(
            f"The {HEADER} header is empty: send a value unique to this write (a UUID), or leave the header out."
        )
    if len(key) > MAX_LENGTH:
        raise bad_key(f"The {HEADER} header is longer than {MAX_LENGTH} characters ({len(key):,} were sent).")
    if not all(" " <= char <= "~" for char in key):
        raise bad_key(f"The {HEADER} header holds characters other than printable ASCII.")
    return key


class Unkept(Exception):
    """A failure answered by a view without raising: its writes are rolled back, nothing is kept."""

    def __init__(self, response: HttpResponseBase):
        self.response = response


def once(request: Request, key: str, run: Any) -> HttpResponseBase:
    """Run ``run()`` (the view, its answer rendered) at most once for (user, key): see the module's doc."""
    asked = idempotency.Request(
        user=request.user,
        key=key,
        method=request.method or "POST",
        path=request.path,
        fingerprint=idempotency.fingerprint(request.data),
    )
    idempotency.claim(asked)
    failure: Exception | None = None
    with transaction.atomic():
        first = idempotency.peek(asked)  # unlocked: a different request is a 422 even while the first runs
        if first is not None and not idempotency.same_request(first, asked):
            raise reused(first, asked)
        try:
            record = idempotency.locked(asked)
        except idempotency.StillRunning:
            raise KeyInUse(
                f"A request with this {HEADER} (“{key}”) is still running; send the retry once it has finished."
            ) from None
        if not idempotency.same_request(record, asked):
            raise reused(record, asked)
        kept = idempotency.answer(record)
        if kept is not None:
            return replay(kept)
        try:
            with transaction.atomic():
                response = run()
                if response.status_code >= 400:
                    raise Unkept(response)
        except Unkept as unkept:
            response = unkept.response
            idempotency.forget(record)
        except Exception as exc:  # raised to DRF's handler below, once the key is freed
            failure = exc
            idempotency.forget(record)
        else:
            idempotency.keep(record, kept_answer(response))
    if failure is not None:
        raise failure
    return response


def reused(record: Any, asked: idempotency.Request) -> KeyReused:
    first = f"{record.method} {record.path}"
    if first == f"{asked.method} {asked.path}":
        return KeyReused(
            f"This {HEADER} (“{asked.key}”) was first sent with a different body to {first}: a retry must send "
            "the same body, and a different request needs a new key."
        )
    return KeyReused(f"This {HEADER} (“{asked.key}”) was first sent to {first}: a different request needs a new key.")


def kept_answer(response: HttpResponseBase) -> idempotency.Answer:
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    return idempotency.Answer(response.status_code, headers, bytes(response.content))  # type: ignore[attr-defined]


def replay(kept: idempotency.Answer) -> HttpResponse:
    response = HttpResponse(kept.body, status=kept.status_code)
    for name, value in kept.headers.items():
        response[name] = value
    response[REPLAYED] = "true"
    return response


class IdempotentPosts:
    """Mixin of the API's views: POSTs honour the ``Idempotency-Key`` header (the module's doc).

    DRF's ``dispatch`` with one step more: once the user is known (authentication, permissions and
    throttles have run), the handler runs through ``once``, its answer rendered inside the
    transaction that keeps it."""

    idempotent_posts = True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method != "POST" or META not in request.META:
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        view: Any = self
        view.args, view.kwargs = args, kwargs
        drf_request = view.initialize_request(request, *args, **kwargs)
        view.request = drf_request
        view.headers = view.default_response_headers
        try:
            view.initial(drf_request, *args, **kwargs)
            handler = getattr(view, "post", None) if "post" in view.http_method_names else None
            if handler is None or not drf_request.user.is_authenticated:
                response = (handler or view.http_method_not_allowed)(drf_request, *args, **kwargs)
            else:
                key = parse_key(request.META[META])
                response = once(drf_request, key, lambda: self.rendered(handler(drf_request, *args, **kwargs)))
        except Exception as exc:
            response = view.handle_exception(exc)
        view.response = view.finalize_response(drf_request, response, *args, **kwargs)
        return view.response

    def rendered(self, response: HttpResponseBase) -> HttpResponseBase:
        """The handler's answer as the client will get it (rendered now, to be kept with the write)."""
        view: Any = self
        response = view.finalize_response(view.request, response, *view.args, **view.kwargs)
        render = getattr(response, "render", None)
        if callable(render):
            render()
        return response
