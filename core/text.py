"""Text as every write stores it: one cleaning for the API, the admin, the importers and the commands.

``clean_text`` is what a service calls on each text input before checking it (a required field is
checked after cleaning, so a summary of zero-width spaces is empty):

- Unicode NFC (a letter and its combining accent become one code point; search and uniqueness see one
  spelling);
- NUL (``\\x00``) and unpaired surrogates are refused with a message: PostgreSQL cannot store them;
- invisible characters are removed: format characters (Unicode category Cf: zero-width space U+200B,
  word joiner U+2060, byte-order mark U+FEFF, soft hyphen U+00AD, the bidirectional marks, embeddings,
  overrides and isolates U+200E–U+200F, U+202A–U+202E, U+2066–U+2069, …) and control characters
  (Cc). **Zero-width non-joiner and joiner (U+200C, U+200D) are kept between two visible characters**:
  Persian and Dari spell words with them (``می‌گویند``), Indic scripts and emoji sequences need them;
  at the ends of the text, next to a space, or alone they carry nothing and are removed;
- line breaks and tabs: kept in multi-line text (``\\r\\n``, ``\\r``, U+2028 and U+2029 become
  ``\\n``); in a one-line field they become a space;
- leading and trailing whitespace is stripped;
- a value that had characters but is left with nothing visible (only zero-width or control
  characters) is refused: it is not text, and a blank would hide that something was sent;
- the cleaned text must fit ``max_length`` (a model field's, or ``FOGWATCH_MAX_TEXT_LENGTH`` for the
  free-text fields that have none).

``clean_fields`` applies it to an unsaved model instance and raises one ``ValidationError`` naming
every field at fault.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

JOINERS = frozenset("\u200c\u200d")
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x85\u2028\u2029")
KEPT_CATEGORIES = frozenset({"Zs", "Co", "Cn"})  # spaces, private use, code points newer than Python's tables

NUL_MESSAGE = "This text holds a NUL character (\\x00), which cannot be stored; remove it."
SURROGATE_MESSAGE = "This text holds an unpaired surrogate code point: it is not valid Unicode text."
INVISIBLE_MESSAGE = (
    "This text holds only invisible characters (zero-width spaces, direction marks or control "
    "characters): write visible text, or leave it empty."
)
TYPE_MESSAGE = "Give text (a string)."


def max_text_length() -> int:
    return settings.FOGWATCH_MAX_TEXT_LENGTH


def _visible(ch: str) -> bool:
    """A character that shows (the neighbours a zero-width joiner or non-joiner may stand between)."""
    return bool(ch) and ch.isprintable() and not ch.isspace()


def _strip_invisible(text: str, multiline: bool) -> str:
    out: list[str] = []
    last = len(text) - 1
    for i, ch in enumerate(text):
        if ch.isprintable():
            out.append(ch)
        elif ch == "\r" and i < last and text[i + 1] == "\n":
            continue  # \r\n: the \n that follows is the line break
        elif ch in LINE_BREAKS:
            out.append("\n" if multiline else " ")
        elif ch == "\t":
            out.append("\t" if multiline else " ")
        elif ch in JOINERS:
            before = out[-1] if out else ""
            after = text[i + 1] if i < last else ""
            if _visible(before) and _visible(after):
                out.append(ch)
        elif unicodedata.category(ch) in KEPT_CATEGORIES:
            out.append(ch)
        # else: Cc or Cf, dropped
    return "".join(out)


def clean_text(value: Any, *, multiline: bool = False, max_length: int | None = None) -> str:
    """``value`` cleaned as described above; ``ValidationError`` (one message) when it cannot be stored.

    ``None`` is the empty text. Only strings are text: a number, a list or an object is refused.
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(TYPE_MESSAGE)
    if "\x00" in value:
        raise ValidationError(NUL_MESSAGE)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(SURROGATE_MESSAGE) from None
    text = unicodedata.normalize("NFC", value)
    if not text.isprintable():
        text = _strip_invisible(text, multiline)
    text = text.strip()
    if not text and value.strip():
        raise ValidationError(INVISIBLE_MESSAGE)
    if max_length is not None and len(text) > max_length:
        raise ValidationError(f"At most {max_length:,} characters are kept; this text has {len(text):,}.")
    return text


def as_stored(value: Any, *, multiline: bool = False) -> Any:
    """``value`` as a write would store it, for matching what is already stored (an importer looking a
    name up); a value a write would refuse comes back as given."""
    try:
        return clean_text(value, multiline=multiline)
    except ValidationError:
        return value


def field_limit(instance: models.Model, name: str) -> int:
    """The longest text a field takes: its ``max_length``, or FOGWATCH_MAX_TEXT_LENGTH for free text."""
    return instance._meta.get_field(name).max_length or max_text_length()


def clean_fields(
    instance: models.Model, *, lines: Iterable[str] = (), texts: Iterable[str] = (), optional_null: Iterable[str] = ()
) -> None:
    """Clean the one-line fields ``lines`` and the multi-line fields ``texts`` of ``instance`` in place.

    ``optional_null`` names fields stored as NULL when blank (a URL, an external key). Raises one
    ``ValidationError`` naming every field at fault.
    """
    errors: dict[str, list[str]] = {}
    nullable = set(optional_null)
    for names, multiline in ((lines, False), (texts, True)):
        for name in names:
            try:
                text = clean_text(getattr(instance, name), multiline=multiline, max_length=field_limit(instance, name))
            except ValidationError as exc:
                errors[name] = exc.messages
                continue
            setattr(instance, name, None if (not text and name in nullable) else text)
    if errors:
        raise ValidationError(errors)


def clean_list(values: Iterable[Any], *, max_length: int) -> list[str]:
    """Each item of a list of one-line texts cleaned (blanks dropped, duplicates too, order kept)."""
    seen: dict[str, None] = {}
    for item in values:
        text = clean_text(item, max_length=max_length)
        if text:
            seen.setdefault(text, None)
    return list(seen)
