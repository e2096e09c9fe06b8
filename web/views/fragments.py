"""Parts of pages rendered once per data version (``core/versions.py``), then served as HTML.

A fragment here depends on the data and on its key alone: no user, no session, no CSRF token, no
clock (a caller whose fragment reads today's date puts the date in the key). Any write to the
tables a page reads changes the data version in its own transaction, so the next request renders
the fragment anew; without a version (SQLite) or with ``FOGWATCH_VERSION_CACHE_SECONDS=0`` every
request renders it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from core.versions import cached_for_version


def cached_fragment(name: str, parts: Any, render: Callable[[], str]) -> SafeString:
    """``render()`` (HTML from our own templates, escaped by them), cached under the data version and
    ``parts``, the key: everything the HTML depends on besides the data."""
    html = cached_for_version(f"fragment:{name}", parts, lambda: str(render()))
    return mark_safe(html)  # noqa: S308 (rendered by Django's templates, which escaped it)
