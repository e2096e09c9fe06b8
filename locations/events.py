"""News the locations app sends outward, as Django signals.

- ``locations_changed``: places were merged, so claims that were about different places are now
  about the same one (rule 7 pairs claims by place). Sent inside the writing transaction with
  ``location_ids``: the places whose claims may read differently now, and ``merged``: ``{merged
  place id: kept place id}``. The claims app recomputes the claims about them; the intake moves
  its waiting drafts to the kept place.
"""

from django.dispatch import Signal

# Sent with ``location_ids: set[int]`` and ``merged: dict[int, int]``.
locations_changed = Signal()
