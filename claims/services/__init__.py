"""Writes to claims and relations: the one write path for the API, the admin, imports and commands.

Every write validates (``ValidationError`` naming the field), then refreshes the automatic
relations it touches and recomputes the flags of every claim it affects, in the same
transaction, so flags are right the moment it returns.

- ``validation``: the checks a claim or relation must pass;
- ``claims``, ``relations`` and ``conflicts``: create, update, delete;
- ``bulk``: many claims created at once (imports at scale), settled once for the set;
- ``recompute``: automatic relations and stored flags, set-wise;
- ``jobs``: recomputes too large for a request (bloc moves), the consistency sweep, and the jobs
  sweep that takes up again a job whose worker was lost.
"""

from claims.events import FlagChange
from claims.services.bulk import NewClaim, claim_prepare, claims_create_bulk
from claims.services.claims import claim_create, claim_delete, claim_set_verdict, claim_update
from claims.services.conflicts import CONFLICT_EDITABLE, conflict_create, conflict_delete, conflict_update
from claims.services.jobs import (
    Heartbeat,
    JobTakenOver,
    actors_changed,
    citations_regraded,
    claims_sweep,
    jobs_sweep,
    locations_changed,
    recompute_job_run,
    recompute_job_start,
    sources_changed,
)
from claims.services.recompute import (
    SET_WRITE_THRESHOLD,
    auto_relations_refresh,
    auto_relations_refresh_all,
    claims_recompute,
    claims_recompute_all,
    relation_dates_sync,
)
from claims.services.relations import relation_create, relation_delete, relation_update
from claims.services.validation import (
    CLAIM_EDITABLE,
    DERIVED,
    QUOTE_FIELDS,
    CitationInput,
    citation_quote_settle,
    claim_validate,
    quote_settle,
    relation_validate,
    stored_text,
)
from core.services import ReferencedError

__all__ = [
    "CLAIM_EDITABLE",
    "CONFLICT_EDITABLE",
    "DERIVED",
    "QUOTE_FIELDS",
    "SET_WRITE_THRESHOLD",
    "CitationInput",
    "FlagChange",
    "Heartbeat",
    "NewClaim",
    "JobTakenOver",
    "ReferencedError",
    "actors_changed",
    "auto_relations_refresh",
    "auto_relations_refresh_all",
    "citation_quote_settle",
    "citations_regraded",
    "claim_create",
    "claim_delete",
    "claim_prepare",
    "claim_set_verdict",
    "claim_update",
    "claim_validate",
    "claims_recompute",
    "claims_create_bulk",
    "claims_recompute_all",
    "claims_sweep",
    "jobs_sweep",
    "locations_changed",
    "quote_settle",
    "conflict_create",
    "conflict_delete",
    "conflict_update",
    "recompute_job_run",
    "recompute_job_start",
    "sources_changed",
    "relation_create",
    "relation_dates_sync",
    "relation_delete",
    "relation_update",
    "relation_validate",
    "stored_text",
]
