"""News the sources app sends outward, as Django signals.

- ``report_pulled``: a feed brought in a new report, now waiting for triage. Sent inside the
  transaction that created it, with ``report_id``. The intake reads such reports into draft claims.
- ``sources_changed``: sources were merged, so the claims citing the merged source's reports now
  cite the kept one (its reliability grades them). Sent inside the writing transaction with
  ``source_ids``; the claims app recomputes the claims citing them.
- ``citations_regraded``: the grade a report lends the claims citing it changed: a source's
  ``reliability`` changed (``source_ids``) or a report moved to another source (``report_ids``).
  Sent inside the writing transaction; the claims app recomputes the grades of the claims citing them.
"""

from django.dispatch import Signal

# Sent with ``report_id: int``.
report_pulled = Signal()

# Sent with ``source_ids: set[int]``.
sources_changed = Signal()
# Sent with ``source_ids: set[int]`` and ``report_ids: set[int]``.
citations_regraded = Signal()
