"""Creating many claims at once (dataset imports at scale): each claim built and checked as
``claim_create`` checks it, but without a query per claim; then the whole set written at once
(COPY on PostgreSQL, ``core.bulk``), with the creation history ``claim_create`` records, and the
automatic relations and flags settled once for the set.

The end state is the one ``claim_create`` called for each claim in turn leaves: the same claims and
citations, the same history rows (one ``+`` per claim and per citation, taken before the flags are
settled), the same automatic relations, flags, status and reasons. Search vectors and the data
version follow by their triggers, which COPY fires as an INSERT does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from claims import causes
from claims.models import Citation, Claim
from claims.services.recompute import _settle
from claims.services.validation import CLAIM_EDITABLE, CitationInput, _clean_citations, claim_validate
from core.bulk import insert_history, insert_rows, reserve_ids
from core.services import apply_fields

NewClaim = tuple[Claim, list[CitationInput]]


def claim_prepare(*, citations: Iterable[CitationInput | dict[str, Any]] | None = None, **fields: Any) -> NewClaim:
    """A claim built and validated as ``claim_create`` would (``ValidationError`` naming the field),
    not written; no query (see ``claim_validate(set_wise=True)``)."""
    claim = Claim()
    cited = _clean_citations(citations) or []
    apply_fields(claim, fields, CLAIM_EDITABLE)
    claim_validate(claim, cited, set_wise=True)
    return claim, cited


@transaction.atomic
def claims_create_bulk(prepared: Sequence[NewClaim]) -> set[int]:
    """Write claims made by ``claim_prepare`` with their citations, all at once; then refresh the
    automatic relations and recompute the flags of every claim they affect, once. Returns the new
    claims' ids. An ``external_id`` already taken (one query for the set) refuses the whole set."""
    if not prepared:
        return set()
    claims = [claim for claim, _ in prepared]
    keys: list[str] = [claim.external_id for claim in claims if claim.external_id]
    taken: set[str] = (
        {str(k) for k in Claim.objects.filter(external_id__in=keys).values_list("external_id", flat=True)}
        if keys
        else set()
    )
    if taken or len(set(keys)) != len(keys):
        twice = sorted(taken or {k for k in keys if keys.count(k) > 1})
        raise ValidationError({"external_id": f"Already taken or given twice: {', '.join(twice[:5])}."})
    # On PostgreSQL the citations go in first, under ids reserved for their claims (the foreign key is
    # checked at commit): the search-vector triggers then write each claim's vector once, when the
    # claim goes in with its citations already there, instead of once without them and again with them.
    citations_first = connection.vendor == "postgresql"
    if citations_first:
        reserve_ids(Claim, claims)
    else:
        insert_rows(Claim, claims)
    citations = [
        Citation(claim=claim, report=item.report, **item.quote_values()) for claim, cited in prepared for item in cited
    ]
    insert_rows(Citation, citations)
    if citations_first:
        insert_rows(Claim, claims)
    insert_history(Claim, claims)
    insert_history(Citation, citations)
    ids = {claim.pk for claim in claims}
    # The flag history records the new claims' first states as made by the import (an outer cause,
    # the import job's, wins), each taking effect the day its claim was made.
    made = causes.Cause(
        causes.IMPORT, None, f"Import of {len(claims)} claims", created_on={c.pk: c.claimed_on for c in claims}
    )
    with causes.recording(made):
        _settle(ids)
    return ids
