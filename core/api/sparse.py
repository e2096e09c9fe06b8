"""Sparse fields: ``?fields=id,status,claimed_on`` gives only the named top-level fields of each object
of a read (a list's results, one object), so a tool asking for a flat row gets one.

- Names are comma-separated (or the parameter repeated), exactly as the schema's enum spells them.
  Each must be a field the object has: otherwise a 400 naming them
  (``{"fields": ["Unknown field(s): foo, bar. Known: id, url, …"]}``); an empty name (``id,,status``,
  a comma at an end) and a name with spaces are unknown names too.
- ``fields=`` given empty is the same as not given: every field, as every other empty query parameter
  of the API is read (docs/api.md, "Conventions").
- The fields come in the object's own order, whatever order they were asked in; a nested object asked
  for stays whole (``claimant`` is ``{id, slug, name}``).

The views decide what is not computed for the fields left out (``claims.documents.ClaimDocuments``
reads neither citations nor relations when they are not asked for; a serializer drops its other fields).
"""

from collections.abc import Sequence

from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

PARAMETER = "fields"
# The most unknown names an error repeats (a fuzzer's junk can be long).
MAX_NAMED = 20
MAX_NAME_CHARS = 60


def parse_fields(values: Sequence[str], known: Sequence[str]) -> tuple[str, ...] | None:
    """The fields asked for by the ``fields`` parameter's values, in ``known``'s order; ``None`` for all
    of them (the parameter absent or empty). Unknown names: a ``ValidationError`` naming them."""
    asked = [name for value in values if value for name in value.split(",")]
    if not asked:
        return None
    unknown = [name for name in dict.fromkeys(asked) if name not in known]
    if unknown:
        shown = [_shown(name) for name in unknown[:MAX_NAMED]]
        more = f" (and {len(unknown) - MAX_NAMED} more)" if len(unknown) > MAX_NAMED else ""
        raise ValidationError({PARAMETER: [f"Unknown field(s): {', '.join(shown)}{more}. Known: {', '.join(known)}."]})
    wanted = set(asked)
    return tuple(name for name in known if name in wanted)


def requested_fields(request: Request, known: Sequence[str]) -> tuple[str, ...] | None:
    """``parse_fields`` of a request's query."""
    return parse_fields(request.query_params.getlist(PARAMETER), known)


def _shown(name: str) -> str:
    if not name:
        return "“” (an empty name)"
    return name if len(name) <= MAX_NAME_CHARS else name[:MAX_NAME_CHARS] + "…"


def schema_parameter(known: Sequence[str]) -> dict:
    """The OpenAPI description of the parameter, for an operation whose objects have these fields."""
    return {
        "in": "query",
        "name": PARAMETER,
        "required": False,
        "style": "form",
        "explode": False,
        "schema": {"type": "array", "items": {"type": "string", "enum": list(known)}},
        "description": "Only these top-level fields of each object, comma-separated, spelt as listed (a nested object "
        "stays whole); "
        "the fields left out are not computed. Empty: every field. An unknown name is a 400 naming it.",
    }
