"""Checks a claim or relation must pass before it is written, each error naming its field.

Rules that need more than one row (the spokesperson's bloc, retractions within a bloc) live here;
single-row rules are database constraints (``claims.models``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from actors.selectors import bloc_ids
from claims.models import QUOTE_FIELDS, Claim, Relation
from core.languages import language_problem
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
    "translation",
    "translation_language",
    "translated_by",
    "translated_at",
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
DERIVED = ("status", "contested", "corroborated", "unverified", "reasons", "grade")
RELATED = ("claimant", "spokesperson", "subject", "location")
# Text cleaned by ``core.text`` before any check (blank ``external_id`` is stored as NULL: blank keys
# must not collide).
CLAIM_LINES = (
    "summary",
    "language",
    "translation_language",
    "translated_by",
    "external_id",
    "location_precision",
)
CLAIM_TEXTS = ("quote", "translation", "verdict_rationale")
QUOTE_LINES = ("language", "translation_language", "translated_by")
QUOTE_TEXTS = ("quote", "translation")
DEFAULT_TRANSLATION_LANGUAGE = "en"
MACHINE = "machine:"
# A translation time a little ahead of ours is a client clock, not the future.
CLOCK_SKEW = timedelta(minutes=5)


def stored_text(name: str, value: Any) -> Any:
    """``value`` of the claim field ``name`` (or a quote field of a citation) as a write stores it: text
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
    language: str = ""
    translation: str = ""
    translation_language: str = DEFAULT_TRANSLATION_LANGUAGE
    translated_by: str = ""
    translated_at: datetime | None = None

    @classmethod
    def from_values(cls, values: Mapping[str, Any], id: int | None = None) -> CitationInput:
        """A citation from a mapping (the API's, the admin's, an importer's): its report and quote fields."""
        return cls(
            report=values.get("report"),
            id=values.get("id", id),
            quote=values.get("quote") or "",
            language=values.get("language") or "",
            translation=values.get("translation") or "",
            translation_language=values.get("translation_language") or DEFAULT_TRANSLATION_LANGUAGE,
            translated_by=values.get("translated_by") or "",
            translated_at=values.get("translated_at"),
        )

    def quote_values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in QUOTE_FIELDS}


def quote_settle(values: Mapping[str, Any], *, check_languages: bool = True) -> tuple[dict[str, Any], dict[str, str]]:
    """A quote with its translation (the ``QUOTE_FIELDS`` of a claim or a citation, text already
    cleaned) as it is stored, and what is wrong with it, by field.

    - ``language`` and ``translation_language`` must be language codes (BCP 47, ``core.languages``);
      an empty ``translation_language`` is ``en``. ``check_languages`` False (an update that wrote
      neither) leaves them unchecked: a code stored before the rule is not blamed on a later edit.
    - A translation needs the original quote, and who made it (``translated_by``: a person's name,
      or ``machine:<engine>``); ``translated_at`` is now when not given, and not in the future.
    - Without a translation nobody translated anything: ``translated_by`` and ``translated_at`` are
      cleared.
    """
    settled = {name: values.get(name) for name in QUOTE_FIELDS}
    for name in ("quote", "language", "translation", "translated_by"):
        settled[name] = settled[name] or ""
    settled["translation_language"] = settled["translation_language"] or DEFAULT_TRANSLATION_LANGUAGE
    errors: dict[str, str] = {}
    if check_languages:
        for name in ("language", "translation_language"):
            problem = language_problem(settled[name] or "")
            if problem:
                errors[name] = problem
    if not settled["translation"]:
        settled["translated_by"], settled["translated_at"] = "", None
        return settled, errors
    if not settled["quote"]:
        errors["translation"] = "A translation needs the original quote it translates: give the quote first."
    by = settled["translated_by"]
    if not by:
        errors["translated_by"] = (
            "Say who made the translation: a person's name, or machine:<engine> for a machine translation."
        )
    elif by.startswith(MACHINE) and not by.removeprefix(MACHINE).strip():
        errors["translated_by"] = "Name the engine of a machine translation after machine: (machine:<engine>)."
    when = settled["translated_at"]
    if isinstance(when, datetime) and timezone.is_naive(when):
        when = settled["translated_at"] = timezone.make_aware(when)  # a time without offset: the site's zone
    if when is None:
        settled["translated_at"] = timezone.now()
    elif isinstance(when, datetime) and when > timezone.now() + CLOCK_SKEW:
        errors["translated_at"] = f"The translation time cannot be in the future ({when.isoformat()})."
    return settled, errors


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
    quote, quote_errors = quote_settle(
        {name: getattr(claim, name) for name in QUOTE_FIELDS},
        check_languages=changed is None or bool(changed & {"language", "translation_language"}),
    )
    for name in QUOTE_FIELDS:
        setattr(claim, name, quote[name])
    errors.update(quote_errors)
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
    for number, item in enumerate(items, start=1):
        if isinstance(item, dict):
            item = CitationInput.from_values(item)
        if item.report is None:
            raise ValidationError({"citations": "Each citation needs a report."})
        values, errors = citation_quote_settle(item.quote_values())
        if errors:
            raise ValidationError(
                {"citations": [f"Citation {number}, {name.replace('_', ' ')}: {m}" for name, m in errors.items()]}
            )
        cleaned.append(replace(item, **values))
    return cleaned


def citation_quote_settle(values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """A citation's quote fields cleaned (``core.text``) and settled (``quote_settle``), with what is
    wrong with them by field (the API's nested citation and the admin's inline form say it there)."""
    cleaned = dict(values)
    errors: dict[str, str] = {}
    for names, multiline in ((QUOTE_LINES, False), (QUOTE_TEXTS, True)):
        for name in names:
            limit = max_text_length() if multiline else (200 if name == "translated_by" else 35)
            try:
                cleaned[name] = clean_text(cleaned.get(name) or "", multiline=multiline, max_length=limit)
            except ValidationError as exc:
                errors[name] = " ".join(exc.messages)
    settled, problems = quote_settle(cleaned)
    return settled, {**problems, **errors}


def relation_validate(relation: Relation, changed: set[str] | None = None) -> list[Relation]:
    """``changed`` names the fields an update changed (None: a new relation). Retracts and supersedes
    are checked against the blocs only when claim, target or stance is written: a later bloc move
    does not invalidate a relation.

    Returns the other relations with the same claim, target and stance (an automatic one, which an
    editor's replaces), read by the same query as the duplicate check."""
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
    same: list[Relation] = []
    if not errors:
        same = list(
            Relation.objects.filter(
                claim_id=relation.claim_id, target_id=relation.target_id, stance=relation.stance
            ).exclude(pk=relation.pk)
        )
        if any(other.origin == Relation.Origin.EDITOR for other in same):
            errors["stance"] = f"Claim #{relation.claim_id} already {relation.stance} claim #{relation.target_id}."
    if errors:
        raise ValidationError(errors)
    # A claim read from the database needs no query to prove it exists (its foreign key guards a
    # claim deleted meanwhile): only ids given bare are looked up.
    loaded = [name for name in ("claim", "target") if _loaded(relation, name)]
    try:
        relation.full_clean(exclude=["origin", *loaded], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise ValidationError({k: " ".join(v) for k, v in exc.message_dict.items()}) from exc
    return same


def _loaded(instance: Any, name: str) -> bool:
    """Whether the related object ``name`` of ``instance`` is one read from the database."""
    field_ = instance._meta.get_field(name)
    if not field_.is_cached(instance):
        return False
    related = field_.get_cached_value(instance)
    return related is not None and not related._state.adding and related.pk == getattr(instance, field_.attname)


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
