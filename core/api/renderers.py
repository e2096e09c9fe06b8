"""The API's JSON renderer: DRF's ``JSONRenderer`` written by orjson.

The output is DRF's, byte for byte, for every answer the API gives: compact, UTF-8 (no ``\\u`` escapes
but U+2028 and U+2029, which DRF escapes for JavaScript), date-times in ISO 8601 with ``Z`` for UTC
(DRF's encoder turns ``+00:00`` into ``Z``), dates ``YYYY-MM-DD``, UUIDs as strings. What orjson does
not know is converted by DRF's own encoder (``rest_framework.utils.encoders.JSONEncoder.default``):
lazy translation strings, ``Decimal`` (a number, as DRF writes it), time deltas, query sets, tuples
and other iterables. ``ReturnDict`` and ``ReturnList`` are a ``dict`` and a ``list`` to orjson.

DRF's own renderer (the standard library's ``json``) still writes what orjson cannot or writes
otherwise: an indented answer (the browsable API asks for ``indent=4``; orjson indents by two only),
non-default JSON settings (``COMPACT_JSON``, ``UNICODE_JSON``, ``STRICT_JSON`` off), and data orjson
refuses (keys that are not strings, integers past 64 bits): then the answer is exactly DRF's.
"""

from typing import Any

import orjson
from rest_framework import renderers
from rest_framework.settings import api_settings
from rest_framework.utils.encoders import JSONEncoder

OPTIONS = orjson.OPT_UTC_Z
_default = JSONEncoder().default


class JSONRenderer(renderers.JSONRenderer):
    """DRF's JSON renderer over orjson (see the module's docstring for what falls back to DRF's)."""

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        if data is None:
            return b""
        if (
            not (api_settings.COMPACT_JSON and api_settings.UNICODE_JSON and api_settings.STRICT_JSON)
            or self.get_indent(accepted_media_type or "", renderer_context or {}) is not None
        ):
            return super().render(data, accepted_media_type, renderer_context)
        try:
            rendered = orjson.dumps(data, default=_default, option=OPTIONS)
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, renderer_context)
        # DRF escapes the two line separators JavaScript does not allow in a string literal.
        if b"\xe2\x80\xa8" in rendered or b"\xe2\x80\xa9" in rendered:
            rendered = rendered.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
        return rendered
