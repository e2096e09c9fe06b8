"""News the locations app sends outward, as Django signals.

- ``locations_changed``: places were merged, so claims that were about different places are now
  about the same one (rule 7 pairs claims by place). Sent inside the writing transaction with
  ``location_ids``: the places whose claims may read differently now. The claims app listens and
  recomputes the claims about them.
"""

from django.dispatch import Signal

# Sent with ``location_ids: set[int]``.
locations_changed = Signal()
