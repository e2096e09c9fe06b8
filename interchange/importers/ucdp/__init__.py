"""UCDP Georeferenced Event Dataset (GED) CSV → claims. The mapping is documented in docs/import-export.md.

Each event becomes up to four claims, keyed ``ucdp:<id>:<part>`` so a re-import updates them:

- ``event``: the event with its death toll, ``count_min``/``count_max`` = ``low``/``high``
  (kind ``attack`` with subject ``side_a`` for one-sided violence, ``other`` for fighting);
- ``a``, ``b``, ``civilians``: a casualties claim per side with deaths (subject = that side),
  exact counts (``deaths_a``, ``deaths_b``, ``deaths_civilians``).

The claimant is the first ``source_original``; the reports are the ``source_office`` /
``source_date`` / ``source_headline`` (or ``source_article``) entries.

- ``columns``: the header required and a row read into a ``UcdpEvent``;
- ``names``: outlet kinds and the claimants that name no one in particular;
- ``importer``: an event → its claims, and ``import_ucdp``.
"""

from interchange.importers.ucdp.columns import DATE_PRECISION, PARTS, REQUIRED, UcdpEvent, parse_row, split_originals
from interchange.importers.ucdp.importer import UcdpImporter, import_ucdp
from interchange.importers.ucdp.names import is_generic, source_kind

__all__ = [
    "DATE_PRECISION",
    "PARTS",
    "REQUIRED",
    "UcdpEvent",
    "UcdpImporter",
    "import_ucdp",
    "is_generic",
    "parse_row",
    "source_kind",
    "split_originals",
]
