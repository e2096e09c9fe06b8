"""News the claims app sends outward, as Django signals: subscribers (webhooks, caches, anything
later) react to them; nothing here decides a rule.

- ``flags_changed``: a recompute changed the status, flags or reasons of some claims. Sent once per
  recompute, inside the writing transaction, with ``changes``: claim id -> ``FlagChange``. A
  receiver that needs the change to be committed queues its work with ``transaction.on_commit``.

Bloc moves start in the actors app, which may not import claims: it sends
``actors.events.actors_changed`` (re-exported here), and the claims app recomputes what depends on
the moved blocs, which in turn sends ``flags_changed`` for the claims whose flags changed. Merges
of places and sources work the same way: ``locations.events.locations_changed`` and
``sources.events.sources_changed`` (re-exported here too).
"""

from __future__ import annotations

from typing import NamedTuple

from django.dispatch import Signal

from actors.events import actors_changed
from locations.events import locations_changed
from sources.events import sources_changed

__all__ = ["FlagChange", "actors_changed", "flags_changed", "locations_changed", "sources_changed"]


class FlagChange(NamedTuple):
    """What a recompute changed on one claim; flags are (contested, corroborated, unverified)."""

    old_status: str
    new_status: str
    old_flags: tuple[bool, bool, bool]
    new_flags: tuple[bool, bool, bool]
    old_grade: str = ""
    new_grade: str = ""
    old_reasons: list | None = None
    new_reasons: list | None = None


# Sent with ``changes: dict[int, FlagChange]``.
flags_changed = Signal()
