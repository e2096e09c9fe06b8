"""Checks a claim or relation must pass before it is written, each error naming its field.

Rules that need more than one row (the spokesperson's bloc, retractions within a bloc) live here;
single-row rules are database constraints (``claims.models``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from actors.selectors import bloc_ids
from claims.models import Claim, Relation
from core.services import check_count, full_clean
from core.text import as_stored, clean_fields, clean_text, max_text_length

CLAIM_EDITABLE = (
    "claimant",
    "spokesperson",
    "claimed_on",
    "kind",
    "summary",
    "quote",
    "language",
    "subject",
    "location",
    "event_start",
    "event_end",
    "date_precision",
    "count_min",
    "count_max",
    "count_unit",
    "verdict",
    "verdict_rationale",
    "verdict_on",
    "external_id",
    "location_precision",
)
DERIVED = ("status", "contested", "corroborated", "unverified", "reasons")
RELATED = ("claimant", "spokesperson", "subject", "location")
# Text cleaned by ``core.text`` before any check (blank ``external_id`` is stored as NULL: blank keys
# must not collide).
CLAIM_LINES = ("summary", "language", "external_id", "location_precision")
CLAIM_TEXTS = ("quote", "verdict_rationale")


def stored_text(name: str, value: Any) -> Any:
    """``value`` of the claim field ``name`` (or ``quote`` of a citation) as a write stores it: text
    cleaned by ``core.text``. Anything else, or text the write would refuse, comes back unchanged (the
    write says why). Importers compare with it, so a re-import of the same row changes nothing."""
    if not isinstance(value, str) or name not in (*CLAIM_LINES, *CLAIM_TEXTS):
        return value
    text = as_stored(value, multiline=name in CLAIM_TEXTS)
    return None if name == "external_id" and not text else text


@dataclass(frozen=True)
class CitationInput:
    report: Any  # sources.Report
    quote: str = ""
    id: int | None = None  # the citation this one is (kept, or changed in place); None: matched by report


def claim_validate(
    claim: Claim,
    citations: Sequence[CitationInput] | None,
    changed: set[str] | None = None,
    *,
    set_wise: bool = False,
) -> None:
    """Every rule of a claim that needs more than one field, each error naming its field.

    ``changed`` names the fields an update changed (None: a new claim). The spokesperson is
    checked against the claimant's bloc only when one of them is written: a later bloc move
    does not invalidate a claim.

    ``set_wise`` (bulk writes, ``claims_create_bulk``): no query per claim. The related records are
    taken as given (objects the caller holds), ``external_id`` uniqueness is checked for the whole set
    by the caller, and the row constraints are the rules checked above in Python.
    """
    errors: dict[str, str] = {}
    clean_fields(claim, lines=CLAIM_LINES, texts=CLAIM_TEXTS, optional_null=["external_id"])  # text first
    if not claim.summary:
        errors["summary"] = "A one-sentence summary of the claim is required."
    if claim.claimed_on is not None and claim.claimed_on > timezone.localdate():
        errors["claimed_on"] = f"The date a claim was made cannot be in the future ({claim.claimed_on.isoformat()})."
    if (
        claim.claimant_id
        and claim.spokesperson_id
        and (changed is None or changed & {"claimant", "spokesperson"})
        and len(set(bloc_ids([claim.claimant_id, claim.spokesperson_id]).values())) != 1
    ):
        errors["spokesperson"] = (
            f"{claim.spokesperson} is not in the bloc of {claim.claimant}; a spokesperson speaks for "
            "the claimant's own bloc."
        )
    if claim.kind == Claim.Kind.CONTROL:
        for name in ("subject", "location"):
            if getattr(claim, f"{name}_id") is None:
                errors[name] = f"A control claim needs a {name} (who is said to control which place)."
    if claim.kind == Claim.Kind.CASUALTIES and claim.subject_id is None:
        errors["subject"] = "A casualties claim needs a subject (who is said to have suffered the losses)."
    if claim.event_end is not None:
        if claim.event_start is None:
            errors["event_end"] = "An event end needs an event start."
        elif claim.event_end < claim.event_start:
            errors["event_end"] = "The event end cannot be before the event start."
    for name in ("count_min", "count_max"):
        value = getattr(claim, name)
        if value is not None and (not isinstance(value, int) or value < 0):
            errors[name] = "Counts must be whole numbers of zero or more."
    if (
        "count_min" not in errors
        and "count_max" not in errors
        and claim.count_min is not None
        and claim.count_max is not None
        and claim.count_min > claim.count_max
    ):
        errors["count_max"] = f"The maximum count ({claim.count_max}) is below the minimum ({claim.count_min})."
    if claim.verdict_on is not None and not claim.verdict:
        errors["verdict_on"] = "A verdict date needs a verdict."
    if claim.verdict_on is not None and claim.verdict_on > timezone.localdate():
        errors["verdict_on"] = "A verdict date cannot be in the future."
    if citations is not None and not citations:
        errors["citations"] = "A claim needs at least one citation: the report where it was made."
    if set_wise and claim.claimant_id is None:
        errors["claimant"] = "A claim needs a claimant."
    try:
        if set_wise:
            claim.full_clean(exclude=[*DERIVED, *RELATED], validate_unique=False, validate_constraints=False)
        else:
            full_clean(claim, exclude=DERIVED)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            if name == NON_FIELD_ERRORS and errors:
                continue  # the row constraints repeat rules already reported on their fields above
            errors.setdefault(name, " ".join(messages))
    if errors:
        raise ValidationError(errors)


def _clean_citations(citations: Iterable[CitationInput | dict[str, Any]] | None) -> list[CitationInput] | None:
    """The citations as ``CitationInput``s, their quotes cleaned (``core.text``); refused, before anything
    is written, when there are more than FOGWATCH_MAX_CITATIONS or one has no report or a bad quote."""
    if citations is None:
        return None
    items = check_count("citations", citations, setting="FOGWATCH_MAX_CITATIONS", noun="citations per claim")
    cleaned = []
    for item in items:
        if isinstance(item, dict):
            item = CitationInput(report=item.get("report"), quote=item.get("quote") or "", id=item.get("id"))
        if item.report is None:
            raise ValidationError({"citations": "Each citation needs a report."})
        try:
            quote = clean_text(item.quote, multiline=True, max_length=max_text_length())
        except ValidationError as exc:
            raise ValidationError({"citations": [f"Quote: {m}" for m in exc.messages]}) from exc
        cleaned.append(CitationInput(report=item.report, quote=quote, id=item.id))
    return cleaned


def relation_validate(relation: Relation, changed: set[str] | None = None) -> None:
    """``changed`` names the fields an update changed (None: a new relation). Retracts and supersedes
    are checked against the blocs only when claim, target or stance is written: a later bloc move
    does not invalidate a relation."""
    clean_fields(relation, texts=["note"])
    errors: dict[str, str] = {}
    if relation.claim_id and relation.target_id and relation.claim_id == relation.target_id:
        errors["target"] = "A claim cannot relate to itself."
    if relation.stance not in Relation.Stance.values:
        errors["stance"] = f"“{relation.stance}” is not a stance; use one of {', '.join(Relation.Stance.values)}."
    elif (
        relation.stance in (Relation.Stance.RETRACTS, Relation.Stance.SUPERSEDES)
        and relation.claim_id
        and relation.target_id
        and (changed is None or changed & {"claim", "target", "stance"})
        and _claimant_blocs(relation.claim_id, relation.target_id) == 2
    ):
        errors["stance"] = (
            f"A claim can {relation.stance[:-1]} only a claim of its own bloc; {relation.claim.claimant} and "
            f"{relation.target.claimant} are in different blocs."
        )
    duplicate = Relation.objects.filter(
        claim_id=relation.claim_id, target_id=relation.target_id, stance=relation.stance, origin=Relation.Origin.EDITOR
    ).exclude(pk=relation.pk)
    if not errors and duplicate.exists():
        errors["stance"] = f"Claim #{relation.claim_id} already {relation.stance} claim #{relation.target_id}."
    if errors:
        raise ValidationError(errors)
    try:
        relation.full_clean(exclude=["origin"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise ValidationError({k: " ".join(v) for k, v in exc.message_dict.items()}) from exc


def _claimant_blocs(*claim_ids: int) -> int:
    """How many blocs the claimants of these claims are in, as the blocs are now."""
    rows = Claim.objects.filter(pk__in=claim_ids).values_list("claimant_id", "claimant__bloc_id")
    return len({bloc or claimant for claimant, bloc in rows})


def _refuse_auto(relation: Relation) -> None:
    if relation.origin == Relation.Origin.AUTO:
        raise ValidationError(
            {
                "origin": "This relation is automatic: it follows from the claims (rule 7) and changes only "
                "when they change."
            }
        )
