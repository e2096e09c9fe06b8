"""API errors decided once: services' ValidationErrors are 400s per field, refused deletes 409s,
bodies past the limits 413s; every answer under ``/api/`` is JSON (``core.api.errors`` for the
errors Django answers before or after a view: 404, 500 …)."""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.api.parsers import BodyTooLarge
from core.services import ReferencedError

TOO_MANY = (
    "The request has more form fields or files than this API reads (DATA_UPLOAD_MAX_NUMBER_FIELDS / "
    "DATA_UPLOAD_MAX_NUMBER_FILES); send JSON."
)


def validation_detail(exc: DjangoValidationError) -> dict[str, list[str]] | list[str]:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): [str(m) for m in messages]
            for field, messages in exc.message_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(detail=validation_detail(exc))
    elif isinstance(exc, RequestDataTooBig):
        exc = BodyTooLarge()
    elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return Response({"detail": TOO_MANY}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    elif isinstance(exc, ReferencedError):
        return Response(
            {
                "detail": exc.message,
                "referenced_by": [
                    {"type": d._meta.model_name, "id": d.pk, "name": str(d)} for d in exc.dependents[:100]
                ],
            },
            status=status.HTTP_409_CONFLICT,
        )
    elif isinstance(exc, IntegrityError):
        return Response(
            {"non_field_errors": [f"The database refused the write: {exc}".splitlines()[0]]},
            status=status.HTTP_400_BAD_REQUEST,
        )
    return drf_exception_handler(exc, context)
