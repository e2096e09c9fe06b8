"""News the sources app sends outward, as Django signals.

- ``report_pulled``: a feed brought in a new report, now waiting for triage. Sent inside the
  transaction that created it, with ``report_id``. The intake reads such reports into draft claims.
"""

from django.dispatch import Signal

# Sent with ``report_id: int``.
report_pulled = Signal()
