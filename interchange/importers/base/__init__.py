"""What every dataset importer shares: the run summary, caches of actors, places, sources and
reports by name (one query each at the start, so a run does set-based look-ups), and the claim
upsert keyed on ``external_id`` that makes a re-import change nothing.

Every write goes through the services (``actor_create``, ``location_create``, ``source_create``,
``report_create``, ``claim_create``, ``claim_update``, ``claim_delete``).

- ``summary``: the run summary, its faulty rows, and the errors (``ImportFileError``, ``RowError``);
- ``files``: reading a file as text, and a CSV checked whole before its rows are read;
- ``values``: one value of a row (dates, numbers, coordinates), clipping, place-name suffixes;
- ``directory``: actors, places, sources and reports by name for one run;
- ``writes``: the claim upsert, removals, the run's transaction, and ``RowImporter``.
"""

from interchange.importers.base.directory import Directory
from interchange.importers.base.files import CsvRow, open_text, read_csv
from interchange.importers.base.summary import ImportFileError, ImportSummary, RowError, RowProblem
from interchange.importers.base.values import (
    ADMIN_SUFFIXES,
    DATE_FORMATS,
    PLACE_SUFFIXES,
    at_midnight,
    clip,
    not_future,
    parse_coordinates,
    parse_date,
    parse_int,
    place_kind,
    split_list,
    strip_suffix,
)
from interchange.importers.base.writes import (
    CLAIM_FIELDS,
    ClaimSpec,
    Progress,
    RowImporter,
    existing_claims,
    remove_claims,
    run_in_transaction,
    update_claim_fields,
    upsert_claim,
    validation_text,
)

__all__ = [
    "ADMIN_SUFFIXES",
    "CLAIM_FIELDS",
    "DATE_FORMATS",
    "PLACE_SUFFIXES",
    "ClaimSpec",
    "CsvRow",
    "Directory",
    "ImportFileError",
    "ImportSummary",
    "Progress",
    "RowError",
    "RowImporter",
    "RowProblem",
    "at_midnight",
    "clip",
    "existing_claims",
    "not_future",
    "open_text",
    "parse_coordinates",
    "parse_date",
    "parse_int",
    "place_kind",
    "read_csv",
    "remove_claims",
    "run_in_transaction",
    "split_list",
    "strip_suffix",
    "update_claim_fields",
    "upsert_claim",
    "validation_text",
]
