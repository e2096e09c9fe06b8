"""The API's JSON parser: DRF's, with two limits a hostile body cannot get past.

- **Size**: at most ``DATA_UPLOAD_MAX_MEMORY_SIZE`` bytes (``FOGWATCH_MAX_BODY_BYTES``) are read; a
  larger body is a 413 (``BodyTooLarge``). DRF normally reads the body through Django's
  ``request.body``, which enforces the same limit (``RequestDataTooBig``, turned into the same 413 by
  ``core.api.exceptions``); the parser checks again for streams that come another way.
- **Depth**: arrays and objects nested deeper than ``FOGWATCH_MAX_JSON_DEPTH`` (32) are a 400, found by
  a linear scan of the text that does not recurse, *before* the recursive ``json`` decoder sees them
  (unchecked, a body of 100,000 ``[`` is a ``RecursionError``: a 500).
"""

from __future__ import annotations

import io
import re
from typing import Any

from django.conf import settings
from rest_framework import parsers, status
from rest_framework.exceptions import APIException, ParseError

# A JSON string (escapes included) or a bracket; everything else is skipped by ``finditer``.
TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


class BodyTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "body_too_large"

    def __init__(self, limit: int | None = None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE if limit is None else limit
        super().__init__(
            f"The request body is larger than {limit:,} bytes, the most this API reads "
            "(FOGWATCH_MAX_BODY_BYTES). Send less: split the write, or leave long texts out."
        )


def too_deep(text: str, limit: int) -> bool:
    """Whether arrays and objects in the JSON ``text`` nest deeper than ``limit`` (brackets inside
    strings do not count). Linear, no recursion."""
    depth = 0
    for match in TOKENS.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > limit:
                return True
        elif token in ("]", "}"):
            depth -= 1
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict[str, Any] | None = None) -> Any:
        parser_context = parser_context or {}
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(body) > limit:
            raise BodyTooLarge(limit)
        try:
            text = body.decode(parsers.get_encoding(parser_context))  # text encodings only (DRF's check)
        except UnicodeDecodeError as exc:
            raise ParseError(f"JSON parse error - the body is not text in its charset: {exc}") from None
        depth = settings.FOGWATCH_MAX_JSON_DEPTH
        if too_deep(text, depth):
            raise ParseError(
                f"JSON parse error - arrays and objects are nested more than {depth} deep "
                "(FOGWATCH_MAX_JSON_DEPTH); no Fogwatch resource needs more than a few levels."
            )
        return super().parse(io.BytesIO(body), media_type, parser_context)
