"""Writes of the intake: read an article into drafts, edit them, confirm them into claims (through
the claims and sources services, in one transaction), or discard them.

Drafts are stored as JSON with the ids of actors and places; ``intake.selectors`` shows them with
``{id, slug, name}``. Confirming is all or nothing: a draft the claims services refuse makes the
whole confirm a ``ValidationError`` naming the draft and the field (``drafts[2].location``), and
nothing is written.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from actors.models import Actor
from actors.selectors import bloc_ids
from claims.models import Claim, Relation
from claims.services import QUOTE_FIELDS, CitationInput, claim_create, claim_update, relation_create
from core.languages import language_problem
from core.services import too_many
from core.text import clean_fields, max_text_length
from core.text import clean_text as clean_any_text
from intake import gazetteer
from intake.models import Intake
from intake.reader import Draft, read
from locations.models import Location
from sources.models import Report, Source
from sources.services import report_create

MAX_TEXT = 100_000
KINDS = {value for value, _ in Claim.Kind.choices}
PRECISIONS = {value for value, _ in Claim.DatePrecision.choices}
STANCES = {Relation.Stance.DENIES, Relation.Stance.SUPPORTS, Relation.Stance.CONTRADICTS}
ACTOR_FIELDS = ("claimant", "spokesperson", "subject")
# What an editor may change in a draft (PATCH), besides keeping or dropping it at confirm.
EDITABLE = (
    "kind",
    "claimant",
    "spokesperson",
    "subject",
    "location",
    "summary",
    "quote",
    "event_start",
    "event_end",
    "date_precision",
    "count_min",
    "count_max",
    "count_unit",
    "responds_to",
    "same_as",
)


class IntakeStateError(Exception):
    """The intake is not a draft any more (confirmed or discarded): nothing can change it (409)."""


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


def clean_text(text: Any) -> str:
    """The article's text cleaned as every text is (``core.text``: NFC, invisible characters out), or a
    ValidationError on ``text`` saying what is wrong."""
    if not isinstance(text, str) or not text.strip():
        raise ValidationError({"text": "Paste the article's text: it is empty."})
    if "\x00" in text:
        raise ValidationError({"text": "The text holds a NUL character; paste plain text."})
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": f"The text has {len(text):,} characters; at most {MAX_TEXT:,} are read."})
    try:
        return clean_any_text(text, multiline=True)
    except ValidationError as exc:
        raise ValidationError({"text": exc.messages}) from exc


def _as_datetime(value: date | datetime | None) -> datetime | None:
    """A publication time: a date is taken as noon that day, a time without a zone as the site's."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(12, 0))
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _day(value: datetime | None) -> date | None:
    return None if value is None else timezone.localtime(value).date()


@transaction.atomic
def intake_create(
    *,
    text: str,
    title: str = "",
    url: str = "",
    source: Source | None = None,
    report: Report | None = None,
    published_at: date | datetime | None = None,
    language: str = "",
    user: Any = None,
) -> Intake:
    """Read an article into draft claims and keep it as an intake waiting for an editor."""
    intake = Intake(
        text=clean_text(text),
        title=(title or "")[:500] if isinstance(title, str) else title,
        url=url,
        source=source,
        report=report,
        published_at=_as_datetime(published_at),
        language=language,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    clean_fields(intake, lines=["title", "url", "language"])
    problem = language_problem(intake.language)  # said now, not when its claims are confirmed
    if problem:
        raise ValidationError({"language": problem})
    try:
        intake.full_clean(exclude=["drafts", "unknown", "made"])
    except ValidationError as exc:
        raise ValidationError({k: " ".join(v) for k, v in exc.message_dict.items()}) from exc
    reading = read(
        intake.text,
        gazetteer=gazetteer.gazetteer(),
        published_at=_day(intake.published_at),
        language=intake.language or None,
    )
    intake.language = intake.language or reading.language
    intake.drafts = [_stored(draft) for draft in reading.drafts]
    intake.unknown = [dataclasses.asdict(name) for name in reading.unknown]
    _link_existing(intake)
    intake.save()
    return intake


def intake_from_report(*, report: Report, user: Any = None) -> Intake:
    """Read a report already in the database (one a feed brought in): its title and summary."""
    text = "\n\n".join(part for part in (report.title, report.summary) if part and part.strip())
    return intake_create(
        text=text,
        title=report.title,
        url=report.url or "",
        source=report.source,
        report=report,
        published_at=report.published_at,
        language=report.language,
        user=user,
    )


def _stored(draft: Draft) -> dict[str, Any]:
    start, end = draft.evidence
    return {
        "index": draft.index,
        "kind": draft.kind,
        "claimant": draft.claimant,
        "spokesperson": draft.spokesperson,
        "subject": draft.subject,
        "location": draft.location,
        "summary": draft.summary,
        "quote": draft.quote,
        "evidence": {"start": start, "end": end},
        "event_start": draft.event_start.isoformat() if draft.event_start else None,
        "event_end": draft.event_end.isoformat() if draft.event_end else None,
        "date_precision": draft.date_precision,
        "count_min": draft.count_min,
        "count_max": draft.count_max,
        "count_unit": draft.count_unit,
        "responds_to": list(draft.responds_to),
        "targets_elsewhere": list(draft.targets_elsewhere),
        "same_as": [],
        "confidence": round(float(draft.confidence), 2),
        "notes": "; ".join(draft.notes),
    }


def _window(draft: dict[str, Any]) -> tuple[date, date] | None:
    if not draft.get("event_start"):
        return None
    start = date.fromisoformat(draft["event_start"])
    end = date.fromisoformat(draft["event_end"]) if draft.get("event_end") else start
    return start, end


def _link_existing(intake: Intake) -> None:
    """Tie the drafts to claims already in the database: ``same_as`` (the same claimant bloc, kind
    and place, overlapping windows) and the denials or supports whose target is not in the text."""
    blocs = bloc_ids({d[name] for d in intake.drafts for name in ACTOR_FIELDS if d.get(name)})
    for draft in intake.drafts:
        draft["same_as"] = same_as(draft, blocs)
        for target in draft.pop("targets_elsewhere", []):
            found = _existing_target(target, intake.published_at, blocs, draft.get("claimant"))
            if found is not None:
                draft["responds_to"].append({"claim": found, "stance": target["stance"]})


def same_as(draft: dict[str, Any], blocs: dict[int, int] | None = None) -> list[int]:
    """Ids of existing claims that say what the draft says: same claimant bloc, kind and place,
    overlapping event windows."""
    window = _window(draft)
    if window is None or not draft.get("claimant") or not draft.get("location"):
        return []
    blocs = blocs or bloc_ids([draft["claimant"]])
    bloc = blocs.get(draft["claimant"], draft["claimant"])
    start, end = window
    found = (
        Claim.objects.filter(kind=draft["kind"], location_id=draft["location"], event_start__lte=end)
        .filter(Q(claimant__bloc_id=bloc) | Q(claimant_id=bloc))
        .filter(Q(event_end__gte=start) | Q(event_end__isnull=True, event_start__gte=start))
    )
    if draft.get("subject"):
        found = found.filter(subject_id=draft["subject"])
    return list(found.order_by("id").values_list("id", flat=True)[:5])


KIND_FAMILIES = {
    Claim.Kind.CONTROL: [Claim.Kind.CONTROL, Claim.Kind.ADVANCE],
    Claim.Kind.ADVANCE: [Claim.Kind.CONTROL, Claim.Kind.ADVANCE],
    Claim.Kind.ATTACK: [Claim.Kind.ATTACK, Claim.Kind.CASUALTIES],
    Claim.Kind.CASUALTIES: [Claim.Kind.CASUALTIES, Claim.Kind.ATTACK],
}
# How far back a denial in an article looks for the claim it answers.
ANSWER_WINDOW_DAYS = 30


def _existing_target(
    target: dict[str, Any], published: datetime | None, blocs: dict[int, int], by: int | None
) -> int | None:
    """The latest claim in the database a denial or support in the text answers: made by another bloc
    than the answering one, by (or about) the bloc named, of the same family of kinds, about the place
    named or one inside or above it, made on or shortly before the article's day."""
    if not any(target.get(k) for k in ("claimant", "kind", "location", "subject")):
        return None
    query = Claim.objects.all()
    if by is not None:
        answering = bloc_ids([by]).get(by, by)
        query = query.exclude(Q(claimant__bloc_id=answering) | Q(claimant_id=answering))
    if target.get("claimant"):
        bloc = bloc_ids([target["claimant"]]).get(target["claimant"], target["claimant"])
        query = query.filter(
            Q(claimant__bloc_id=bloc) | Q(claimant_id=bloc) | Q(subject__bloc_id=bloc) | Q(subject_id=bloc)
        )
    if target.get("kind"):
        query = query.filter(kind__in=KIND_FAMILIES.get(target["kind"], [target["kind"]]))
    if target.get("subject"):
        query = query.filter(subject_id=target["subject"])
    if target.get("location"):
        place = Location.objects.filter(pk=target["location"]).first()
        if place is not None:
            above = [int(pk) for pk in place.path.strip("/").split("/") if pk]
            query = query.filter(Q(location__path__startswith=place.path) | Q(location_id__in=above))
    day = _day(published)
    if day is not None:
        query = query.filter(claimed_on__lte=day, claimed_on__gte=day - timedelta(days=ANSWER_WINDOW_DAYS))
    return query.order_by("-claimed_on", "-id").values_list("id", flat=True).first()


# ---------------------------------------------------------------------------------------------
# Editing, confirming, discarding
# ---------------------------------------------------------------------------------------------


def _editable(intake: Intake) -> Intake:
    locked = Intake.objects.select_for_update().get(pk=intake.pk)
    if locked.state != Intake.State.DRAFT:
        raise IntakeStateError(f"Intake #{intake.pk} is {locked.get_state_display().lower()}; it can no longer change.")
    return locked


def _an_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63


def _draft_errors(index: int, draft: dict[str, Any], count: int) -> dict[str, str]:
    """What is wrong with an edited draft, by field."""
    errors: dict[str, str] = {}
    if not isinstance(draft.get("kind"), str) or draft["kind"] not in KINDS:
        errors["kind"] = f"“{draft.get('kind')}” is not a kind; use one of {', '.join(sorted(KINDS))}."
    for name, model in (*((n, Actor) for n in ACTOR_FIELDS), ("location", Location)):
        value = draft.get(name)
        if value is None:
            continue
        if (
            not isinstance(value, int)
            or isinstance(value, bool)
            or not model._default_manager.filter(pk=value).exists()
        ):
            errors[name] = f"No {model._meta.verbose_name} with the id {value!r}."
    for name in ("event_start", "event_end"):
        value = draft.get(name)
        if value is not None:
            try:
                date.fromisoformat(str(value))
            except ValueError:
                errors[name] = f"“{value}” is not a date (YYYY-MM-DD)."
    for name in ("summary", "quote"):
        try:
            clean_any_text(draft.get(name), multiline=name == "quote", max_length=max_text_length())
        except ValidationError as exc:
            errors[name] = " ".join(exc.messages)
    if not isinstance(draft.get("date_precision"), str) or draft["date_precision"] not in PRECISIONS:
        errors["date_precision"] = f"Use one of {', '.join(sorted(PRECISIONS))}."
    for name in ("count_min", "count_max"):
        value = draft.get(name)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            errors[name] = "Counts are whole numbers of zero or more."
    if draft.get("count_unit") not in (None, "", *Claim.CountUnit.values):
        errors["count_unit"] = f"Use one of {', '.join(Claim.CountUnit.values)} (or leave it empty)."
    links = draft.get("responds_to") or []
    if not isinstance(links, list):
        errors["responds_to"] = "A list of links: [{draft: index, stance}] or [{claim: id, stance}]."
        links = []
    elif too_many(len(links), "FOGWATCH_MAX_LIST_ITEMS"):
        errors["responds_to"] = too_many(len(links), "FOGWATCH_MAX_LIST_ITEMS", "links") or ""
        links = []
    for link in links:
        if (
            not isinstance(link, dict)
            or not isinstance(link.get("stance"), str)
            or link["stance"] not in STANCES
            or any(not _an_id(link[key]) for key in ("draft", "claim") if key in link)
        ):
            errors["responds_to"] = "Each link is {draft: index, stance} or {claim: id, stance}; stance denies, "
            errors["responds_to"] += "supports or contradicts."
        elif "draft" in link and (not isinstance(link["draft"], int) or not 0 <= link["draft"] < count):
            errors["responds_to"] = f"There is no draft {link['draft']!r}."
        elif "draft" in link and link["draft"] == index:
            errors["responds_to"] = "A draft cannot respond to itself."
        elif "claim" in link and not Claim.objects.filter(pk=link["claim"]).exists():
            errors["responds_to"] = f"There is no claim #{link['claim']}."
        elif "draft" not in link and "claim" not in link:
            errors["responds_to"] = "Each link names a draft or a claim."
    same = draft.get("same_as") or []
    if isinstance(same, list) and too_many(len(same), "FOGWATCH_MAX_LIST_ITEMS"):
        errors["same_as"] = too_many(len(same), "FOGWATCH_MAX_LIST_ITEMS", "ids") or ""
    elif (
        not isinstance(same, list)
        or not all(_an_id(pk) for pk in same)
        or Claim.objects.filter(pk__in=same).count() != len(set(same))
    ):
        errors["same_as"] = "Same as: ids of existing claims."
    return errors


@transaction.atomic
def intake_update_drafts(*, intake: Intake, drafts: list[dict[str, Any]]) -> Intake:
    """Apply an editor's changes to drafts, each given by its ``index`` with the fields it changes."""
    intake = _editable(intake)
    stored = {d["index"]: d for d in intake.drafts}
    errors: dict[str, str] = {}
    for position, change in enumerate(drafts):
        index = change.get("index") if isinstance(change, dict) else None
        if not isinstance(index, int) or index not in stored:
            errors[f"drafts[{position}].index"] = f"This intake has no draft {index!r} (it has {sorted(stored)})."
            continue
        unknown = set(change) - {"index", *EDITABLE}
        if unknown:
            errors[f"drafts[{position}]"] = f"Not editable: {', '.join(sorted(unknown))}."
            continue
        edited = {**stored[index], **{k: v for k, v in change.items() if k != "index"}}
        for name, message in _draft_errors(index, edited, len(stored)).items():
            errors[f"drafts[{index}].{name}"] = message
        stored[index] = edited
    if errors:
        raise ValidationError(errors)
    intake.drafts = [stored[i] for i in sorted(stored)]
    intake.save(update_fields=["drafts", "updated_at"])
    return intake


def _report_for(intake: Intake) -> Report:
    if intake.report is not None:
        return intake.report
    if intake.source is None:
        raise ValidationError({"source": "Name the source (outlet) the article comes from before confirming."})
    if intake.url:
        existing = Report.objects.filter(url=intake.url).first()
        if existing is not None:
            return existing
    title = intake.title or intake.text.strip().splitlines()[0][:500]
    return report_create(
        source=intake.source,
        title=title,
        url=intake.url or None,
        published_at=intake.published_at,
        language=intake.language,
    )


def _claim_fields(draft: dict[str, Any], claimed_on: date, language: str) -> dict[str, Any]:
    actors = Actor.objects.in_bulk([draft[n] for n in ACTOR_FIELDS if draft.get(n)])
    location = Location.objects.filter(pk=draft["location"]).first() if draft.get("location") else None
    return {
        "claimant": actors.get(draft.get("claimant")),
        "spokesperson": actors.get(draft.get("spokesperson")),
        "subject": actors.get(draft.get("subject")),
        "location": location,
        "claimed_on": claimed_on,
        "kind": draft["kind"],
        "summary": draft["summary"],
        "quote": draft.get("quote", ""),
        "language": language,
        "event_start": date.fromisoformat(draft["event_start"]) if draft.get("event_start") else None,
        "event_end": date.fromisoformat(draft["event_end"]) if draft.get("event_end") else None,
        "date_precision": draft.get("date_precision") or Claim.DatePrecision.DAY,
        "count_min": draft.get("count_min"),
        "count_max": draft.get("count_max"),
        "count_unit": draft.get("count_unit") or "",
    }


def _named(index: int, exc: ValidationError) -> ValidationError:
    return ValidationError({f"drafts[{index}].{name}": " ".join(m) for name, m in exc.message_dict.items()})


@transaction.atomic
def intake_confirm(*, intake: Intake, keep: list[int] | None = None) -> dict[str, Any]:
    """Make the kept drafts into claims citing the article's report (a draft the same as an existing
    claim cites the report on that claim instead), and the relations between them. All or nothing."""
    intake = _editable(intake)
    drafts = {d["index"]: d for d in intake.drafts}
    kept = sorted(drafts) if keep is None else list(dict.fromkeys(keep))
    missing = [i for i in kept if i not in drafts]
    if missing:
        raise ValidationError({"drafts": f"This intake has no draft {', '.join(map(str, missing))}."})
    if not kept:
        raise ValidationError({"drafts": "Keep at least one draft, or discard the intake."})
    report = _report_for(intake)
    claimed_on = _day(intake.published_at) or timezone.localdate()
    claimed_on = min(claimed_on, timezone.localdate())
    made: dict[int, int] = {}
    cited: list[int] = []
    for index in kept:
        draft = drafts[index]
        citation = CitationInput(report=report, quote=draft.get("quote", ""))
        try:
            if draft.get("same_as"):
                claim = Claim.objects.get(pk=draft["same_as"][0])
                others = [  # kept whole: their quotes' languages and translations too
                    CitationInput.from_values({"report": c.report, **{n: getattr(c, n) for n in QUOTE_FIELDS}}, id=c.pk)
                    for c in claim.citations.all()
                ]
                if not any(c.report.pk == report.pk for c in others):
                    claim_update(claim=claim, citations=[*others, citation])
                made[index] = claim.pk
                cited.append(claim.pk)
                continue
            claim = claim_create(**_claim_fields(draft, claimed_on, intake.language), citations=[citation])
        except ValidationError as exc:
            raise _named(index, exc) from exc
        made[index] = claim.pk
    relations = []
    for index in kept:
        for link in drafts[index].get("responds_to") or []:
            target_id = made.get(link["draft"]) if "draft" in link else link.get("claim")
            if target_id is None or target_id == made[index]:
                continue  # the answered draft was dropped
            exists = Relation.objects.filter(claim_id=made[index], target_id=target_id, stance=link["stance"])
            if exists.filter(origin=Relation.Origin.EDITOR).exists():
                continue
            try:
                relation = relation_create(
                    claim=Claim.objects.get(pk=made[index]),
                    target=Claim.objects.get(pk=target_id),
                    stance=link["stance"],
                )
            except ValidationError as exc:
                raise _named(index, exc) from exc
            relations.append(relation.pk)
    intake.state = Intake.State.CONFIRMED
    intake.report = report
    intake.made = {
        "report": report.pk,
        "claims": [made[i] for i in kept if made[i] not in cited],
        "cited": cited,
        "relations": relations,
        "drafts": {str(i): made[i] for i in kept},
    }
    intake.save(update_fields=["state", "report", "made", "updated_at"])
    return intake.made


@transaction.atomic
def intake_discard(*, intake: Intake) -> Intake:
    """Set the intake aside: kept for the record, nothing else written."""
    intake = _editable(intake)
    intake.state = Intake.State.DISCARDED
    intake.save(update_fields=["state", "updated_at"])
    return intake


def drafts_repoint(*, fields: tuple[str, ...], merged: dict[int, int]) -> int:
    """Drafts waiting for an editor name actors and places by id (JSON, not foreign keys): when one
    is merged into another, its drafts name the kept one, so confirming them still works. Reads the
    waiting intakes (a few, kept short by the editors), writes those that changed in one update.
    Returns how many intakes changed."""
    if not merged:
        return 0
    changed = []
    for intake in Intake.objects.filter(state=Intake.State.DRAFT).only("id", "drafts").iterator():
        touched = False
        for draft in intake.drafts if isinstance(intake.drafts, list) else []:
            for name in fields if isinstance(draft, dict) else ():
                value = draft.get(name)
                if isinstance(value, int) and not isinstance(value, bool) and value in merged:
                    draft[name], touched = merged[value], True
        if touched:
            changed.append(intake)
    Intake.objects.bulk_update(changed, ["drafts"], batch_size=500)
    return len(changed)
