"""News the actors app sends outward, as Django signals.

- ``actors_changed``: actors moved between blocs (a change of parent moves the whole subtree) or
  were renamed. Sent inside the writing transaction with ``actor_ids``: the set of actors whose
  bloc or name changed, and ``merged``: ``{merged actor id: kept actor id}`` when the change is a
  merge (empty otherwise). The claims app listens and recomputes the claims that depend on them;
  the intake moves its waiting drafts to the kept actor.
"""

from django.dispatch import Signal

# Sent with ``actor_ids: set[int]``, ``merged: dict[int, int]`` (merged actor -> kept actor), ``moved``
# (whether any bloc changed; else a rename) and ``actor_id`` (the actor written, whose move or rename it is).
actors_changed = Signal()
