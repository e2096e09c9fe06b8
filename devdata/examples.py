"""Built-in examples, loaded through the services (``manage.py load_example NAME``).

``panjshir-2021`` is the example Fogwatch was born from (DESIGN.md): an RT article of early
September 2021 on the fighting for Panjshir, with the Reuters report it cites. Coordinates
are approximate centroids. Loading is idempotent: actors, places and sources are keyed on
their slugs, reports on source and title, claims on claimant and summary, relations on
(claim, target, stance), the conflict on its slug.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from django.db import transaction

from actors.models import Actor
from actors.services import actor_create, actor_update
from claims.models import Claim, Conflict, Relation
from claims.services import (
    QUOTE_FIELDS,
    claim_create,
    claim_update,
    conflict_create,
    conflict_update,
    relation_create,
)
from locations.models import Location
from locations.services import location_create, location_update
from sources.models import Report, Source
from sources.services import report_create, report_update, source_create, source_update

ACTORS: list[dict[str, Any]] = [
    {
        "slug": "taliban",
        "name": "Taliban",
        "kind": "armed_group",
        "is_party": True,
        "aliases": ["Islamic Emirate of Afghanistan", "IEA"],
        "description": "The Taliban movement, in power in Kabul since 15 August 2021.",
    },
    {
        "slug": "zabihullah-mujahid",
        "name": "Zabihullah Mujahid",
        "kind": "person",
        "parent": "taliban",
        "description": "Taliban spokesman.",
    },
    {
        "slug": "afghan-resistance",
        "name": "Afghan resistance",
        "kind": "coalition",
        "is_party": True,
        "description": "The forces opposing the Taliban in and around Panjshir in 2021: the NRF and the remnants of "
        "the Islamic Republic's leadership.",
    },
    {
        "slug": "nrf",
        "name": "National Resistance Front",
        "kind": "armed_group",
        "parent": "afghan-resistance",
        "is_party": True,
        "aliases": ["NRF", "National Resistance Front of Afghanistan", "NRFA"],
        "description": "Anti-Taliban front led by Ahmad Massoud, based in the Panjshir valley.",
    },
    {
        "slug": "fahim-dashti",
        "name": "Fahim Dashti",
        "kind": "person",
        "parent": "nrf",
        "description": "NRF spokesman.",
    },
    {
        "slug": "islamic-republic-of-afghanistan",
        "name": "Islamic Republic of Afghanistan",
        "kind": "government",
        "parent": "afghan-resistance",
        "aliases": ["Republic"],
        "description": "The republic's leadership that rejected the Taliban takeover.",
    },
    {
        "slug": "amrullah-saleh",
        "name": "Amrullah Saleh",
        "kind": "person",
        "parent": "islamic-republic-of-afghanistan",
        "description": "First vice-president of the Islamic Republic, styling himself acting president.",
    },
    {
        "slug": "baghlan-local-militias",
        "name": "Baghlan local militias",
        "kind": "militia",
        "is_party": True,
        "aliases": ["Andarab militias"],
        "description": "Local armed groups in Baghlan's Andarab districts.",
    },
    {
        "slug": "reuters",
        "name": "Reuters",
        "kind": "media",
        "description": "News agency; its own reporting is a claim of its own.",
    },
]

LOCATIONS: list[dict[str, Any]] = [
    {"slug": "afghanistan", "name": "Afghanistan", "kind": "country", "latitude": 33.94, "longitude": 67.71},
    {
        "slug": "panjshir",
        "name": "Panjshir",
        "kind": "province",
        "parent": "afghanistan",
        "latitude": 35.31,
        "longitude": 69.52,
        "aliases": ["Panjsher", "Panjshir valley", "Panjshir Province"],
    },
    {
        "slug": "parwan",
        "name": "Parwan",
        "kind": "province",
        "parent": "afghanistan",
        "latitude": 35.01,
        "longitude": 69.17,
        "aliases": ["Parvan"],
    },
    {
        "slug": "shattal",
        "name": "Shattal",
        "kind": "town",
        "parent": "parwan",
        "latitude": 35.13,
        "longitude": 69.27,
        "aliases": ["Shotul", "Shutul"],
        "description": "At the south-western entrance of the Panjshir valley, on the road towards Badakhshan.",
    },
    {
        "slug": "baghlan",
        "name": "Baghlan",
        "kind": "province",
        "parent": "afghanistan",
        "latitude": 35.94,
        "longitude": 68.71,
    },
    {
        "slug": "deh-salah",
        "name": "Deh Salah",
        "kind": "district",
        "parent": "baghlan",
        "latitude": 35.66,
        "longitude": 69.33,
        "aliases": ["Deh Saleh"],
    },
    {
        "slug": "banu",
        "name": "Banu",
        "kind": "district",
        "parent": "baghlan",
        "latitude": 35.63,
        "longitude": 69.25,
        "aliases": ["Andarab"],
    },
    {
        "slug": "pul-e-hesar",
        "name": "Pul-e-Hesar",
        "kind": "district",
        "parent": "baghlan",
        "latitude": 35.60,
        "longitude": 69.43,
        "aliases": ["Pul-i-Hisar", "Pol-e Hesar"],
    },
]

SOURCES: list[dict[str, Any]] = [
    {
        "slug": "rt",
        "name": "RT",
        "kind": "state_media",
        "homepage": "https://www.rt.com/",
        "country": "Russia",
        "reliability": "C",
        "description": "Russian state-funded broadcaster.",
    },
    {
        "slug": "reuters",
        "name": "Reuters",
        "kind": "wire",
        "homepage": "https://www.reuters.com/",
        "country": "United Kingdom",
        "reliability": "B",
        "actor": "reuters",
    },
]

REPORTS: list[dict[str, Any]] = [
    {
        "key": "rt",
        "source": "rt",
        "title": "Taliban claim capture of Panjshir positions; resistance denies any advance",
        "published_at": datetime(2021, 9, 3, 12, 0),
        "language": "en",
        "summary": "Both sides claim heavy losses on the other; the claims could not be verified independently.",
    },
    {
        "key": "reuters",
        "source": "reuters",
        "title": "At least eight Taliban fighters killed in Panjshir clash",
        "published_at": datetime(2021, 8, 31, 9, 0),
        "language": "en",
        "summary": "Reuters, cited by RT: Taliban fighters killed trying to move on NRF positions.",
    },
]

# The Taliban's words on Shattal as the RT article reports them (devdata/articles.py, its first
# sentence, verbatim: the article gives them in English, so the original is English), with a Dari
# translation (right to left) made by the example's own editor, not by the Taliban or RT.
SHATTAL_QUOTE: dict[str, Any] = {
    "quote": "The Taliban said on Friday that their fighters had entered Panjshir province and captured eleven "
    "important positions on the main road towards Badakhshan, among them the town of Shattal at the "
    "south-western entrance to the valley.",
    "language": "en",
    "translation": "طالبان روز جمعه گفتند که جنگجویان\u200cشان وارد ولایت پنجشیر شده و یازده موضع مهم را در مسیر "
    "شاهراه اصلی به سوی بدخشان تصرف کرده\u200cاند، از جمله شهرک شتل در مدخل جنوب\u200cغربی دره.",
    "translation_language": "prs",
    "translated_by": "Fogwatch example editor",
    "translated_at": datetime(2026, 12, 2, 8, 0, tzinfo=UTC),
}

# Each claim: a key for relations, its fields, and the reports it is cited from (``cite_quote``: each
# citation carries the claim's quote and translation too).
CLAIMS: list[dict[str, Any]] = [
    {
        "key": "taliban-capture",
        "claimant": "taliban",
        "spokesperson": "zabihullah-mujahid",
        "claimed_on": date(2021, 9, 2),
        "kind": "advance",
        "subject": "taliban",
        "location": "panjshir",
        "summary": "Taliban fighters entered Panjshir and captured eleven important positions on the main road "
        "towards Badakhshan.",
        "quote": "Our fighters entered Panjshir and captured eleven important positions.",
        "event_start": date(2021, 9, 1),
        "event_end": date(2021, 9, 2),
        "count_min": 11,
        "count_max": 11,
        "cite": ["rt"],
    },
    {
        "key": "taliban-shattal",
        "claimant": "taliban",
        "spokesperson": "zabihullah-mujahid",
        "claimed_on": date(2021, 9, 2),
        "kind": "control",
        "subject": "taliban",
        "location": "shattal",
        "summary": "The Taliban took the town of Shattal at the south-western entrance of the Panjshir valley.",
        **SHATTAL_QUOTE,
        "event_start": date(2021, 9, 2),
        "cite": ["rt"],
        "cite_quote": True,
    },
    {
        "key": "nrf-denial",
        "claimant": "nrf",
        "spokesperson": "fahim-dashti",
        "claimed_on": date(2021, 9, 3),
        "kind": "statement",
        "location": "panjshir",
        "summary": "The NRF denies any Taliban advance into Panjshir: the Taliban's multiple attempts were thwarted.",
        "quote": "They did not advance even a kilometer.",
        "cite": ["rt"],
    },
    {
        "key": "nrf-passes",
        "claimant": "nrf",
        "spokesperson": "fahim-dashti",
        "claimed_on": date(2021, 9, 3),
        "kind": "control",
        "subject": "nrf",
        "location": "panjshir",
        "summary": "The NRF still controls all the passes into Panjshir.",
        "event_start": date(2021, 9, 3),
        "cite": ["rt"],
    },
    {
        "key": "taliban-losses-claim",
        "claimant": "taliban",
        "spokesperson": "zabihullah-mujahid",
        "claimed_on": date(2021, 9, 3),
        "kind": "casualties",
        "subject": "nrf",
        "location": "panjshir",
        "summary": "The Taliban claim the resistance suffered heavy losses in Panjshir.",
        "event_start": date(2021, 9, 1),
        "event_end": date(2021, 9, 3),
        "date_precision": "approximate",
        "cite": ["rt"],
    },
    {
        "key": "nrf-losses-claim",
        "claimant": "nrf",
        "spokesperson": "fahim-dashti",
        "claimed_on": date(2021, 9, 3),
        "kind": "casualties",
        "subject": "taliban",
        "location": "panjshir",
        "summary": "The NRF claims the Taliban suffered heavy losses in their attempts on Panjshir.",
        "event_start": date(2021, 9, 1),
        "event_end": date(2021, 9, 3),
        "date_precision": "approximate",
        "cite": ["rt"],
    },
    {
        "key": "saleh-flags",
        "claimant": "islamic-republic-of-afghanistan",
        "spokesperson": "amrullah-saleh",
        "claimed_on": date(2021, 9, 3),
        "kind": "statement",
        "subject": "islamic-republic-of-afghanistan",
        "location": "panjshir",
        "summary": "Amrullah Saleh says the flags of the Islamic Republic still fly in Panjshir.",
        "quote": "The flags of the Islamic Republic still fly in Panjshir.",
        "cite": ["rt"],
    },
    {
        "key": "reuters-eight-killed",
        "claimant": "reuters",
        "claimed_on": date(2021, 8, 31),
        "kind": "casualties",
        "subject": "taliban",
        "location": "panjshir",
        "summary": "At least eight Taliban fighters were killed trying to move on NRF positions in Panjshir; the "
        "Taliban did not comment.",
        "event_start": date(2021, 8, 30),
        "event_end": date(2021, 8, 31),
        "count_min": 8,
        "cite": ["reuters", "rt"],
    },
    *[
        {
            "key": f"militias-{slug}",
            "claimant": "baghlan-local-militias",
            "claimed_on": date(2021, 8, 20),
            "kind": "control",
            "subject": "baghlan-local-militias",
            "location": slug,
            "summary": f"Local militias evicted the Taliban from {name} district in Baghlan.",
            "event_start": date(2021, 8, 20),
            "cite": ["rt"],
        }
        for slug, name in (("deh-salah", "Deh Salah"), ("banu", "Banu"), ("pul-e-hesar", "Pul-e-Hesar"))
    ],
    *[
        {
            "key": f"taliban-recapture-{slug}",
            "claimant": "taliban",
            "spokesperson": "zabihullah-mujahid",
            "claimed_on": date(2021, 9, 2),
            "kind": "control",
            "subject": "taliban",
            "location": slug,
            "summary": f"The Taliban say they have recaptured {name} district in Baghlan from local militias.",
            "event_start": date(2021, 8, 23),
            "event_end": date(2021, 9, 2),
            "date_precision": "approximate",
            "cite": ["rt"],
        }
        for slug, name in (("deh-salah", "Deh Salah"), ("banu", "Banu"), ("pul-e-hesar", "Pul-e-Hesar"))
    ],
]

RELATIONS: list[tuple[str, str, str, str]] = [
    ("nrf-denial", "taliban-capture", "denies", "“They did not advance even a kilometer.”"),
    ("nrf-denial", "taliban-shattal", "denies", "The NRF denies any advance into the valley."),
    ("nrf-passes", "taliban-capture", "contradicts", "Holding every pass excludes eleven positions taken."),
    ("saleh-flags", "nrf-passes", "supports", "Same bloc as the NRF: an echo, not corroboration."),
]


# The example's claims are about Panjshir, Shattal (Parwan) and Baghlan's Andarab districts: those
# provinces are the conflict's places, so every one of its claims belongs to it.
CONFLICT: dict[str, Any] = {
    "slug": "taliban-nrf-panjshir-2021",
    "name": "Taliban–NRF, Panjshir 2021",
    "description": "The Taliban's campaign against the National Resistance Front in Panjshir and the "
    "neighbouring valleys of Parwan and Baghlan, after the fall of Kabul.",
    "start": date(2021, 8, 15),
    "places": ["panjshir", "parwan", "baghlan"],
    "parties": ["taliban", "afghan-resistance"],
}


def _load_conflict(actors: dict[str, Actor], places: dict[str, Location], summary: LoadSummary) -> Conflict:
    fields = {
        **CONFLICT,
        "places": [places[slug] for slug in CONFLICT["places"]],
        "parties": [actors[slug] for slug in CONFLICT["parties"]],
    }
    existing = Conflict.objects.filter(slug=CONFLICT["slug"]).first()
    summary.count("conflicts", existing is None)
    if existing is None:
        return conflict_create(**fields)
    members = {"places": set(existing.places.all()), "parties": set(existing.parties.all())}
    changed = {k: v for k, v in fields.items() if (set(v) != members[k] if k in members else getattr(existing, k) != v)}
    return conflict_update(conflict=existing, **changed) if changed else existing


@dataclass
class LoadSummary:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool) -> None:
        bucket = self.created if created else self.updated
        bucket[kind] = bucket.get(kind, 0) + 1

    def __str__(self) -> str:
        kinds = sorted(set(self.created) | set(self.updated))
        return "; ".join(
            f"{k}: {self.created.get(k, 0)} created, {self.updated.get(k, 0)} unchanged or updated" for k in kinds
        )


def _upsert(
    model,
    key: dict[str, Any],
    fields: dict[str, Any],
    create: Callable,
    update: Callable,
    arg: str,
    summary: LoadSummary,
) -> Any:
    obj = model.objects.filter(**key).first()
    if obj is None:
        obj = create(**fields)
        summary.count(model._meta.verbose_name_plural, True)
    else:
        changed = {k: v for k, v in fields.items() if getattr(obj, k) != v}
        if changed:
            obj = update(**{arg: obj}, **changed)
        summary.count(model._meta.verbose_name_plural, False)
    return obj


@transaction.atomic
def load_panjshir_2021(progress: Callable[[str], None] | None = None) -> LoadSummary:
    summary = LoadSummary()
    say = progress or (lambda _msg: None)
    actors: dict[str, Actor] = {}
    for spec in ACTORS:
        fields = {k: v for k, v in spec.items()}
        if "parent" in fields:
            fields["parent"] = actors[fields["parent"]]
        actors[spec["slug"]] = _upsert(
            Actor, {"slug": spec["slug"]}, fields, actor_create, actor_update, "actor", summary
        )
    say(f"{len(actors)} actors")
    places: dict[str, Location] = {}
    for spec in LOCATIONS:
        fields = dict(spec)
        if "parent" in fields:
            fields["parent"] = places[fields["parent"]]
        places[spec["slug"]] = _upsert(
            Location, {"slug": spec["slug"]}, fields, location_create, location_update, "location", summary
        )
    say(f"{len(places)} places")
    sources: dict[str, Source] = {}
    for spec in SOURCES:
        fields = dict(spec)
        if "actor" in fields:
            fields["actor"] = actors[fields["actor"]]
        sources[spec["slug"]] = _upsert(
            Source, {"slug": spec["slug"]}, fields, source_create, source_update, "source", summary
        )
    reports: dict[str, Report] = {}
    for spec in REPORTS:
        fields = {k: v for k, v in spec.items() if k != "key"}
        fields["source"] = sources[fields["source"]]
        fields["published_at"] = fields["published_at"].replace(tzinfo=UTC)
        reports[spec["key"]] = _upsert(
            Report,
            {"source": fields["source"], "title": fields["title"]},
            fields,
            report_create,
            report_update,
            "report",
            summary,
        )
    say(f"{len(sources)} sources, {len(reports)} reports")
    claims: dict[str, Claim] = {}
    for spec in CLAIMS:
        fields = {k: v for k, v in spec.items() if k not in ("key", "cite", "cite_quote")}
        quoted = {name: fields[name] for name in QUOTE_FIELDS if name in fields} if spec.get("cite_quote") else {}
        for name in ("claimant", "spokesperson", "subject"):
            if name in fields:
                fields[name] = actors[fields[name]]
        if "location" in fields:
            fields["location"] = places[fields["location"]]
        existing = Claim.objects.filter(claimant=fields["claimant"], summary=fields["summary"]).first()
        citations = [{"report": reports[key], **quoted} for key in spec["cite"]]
        if existing is None:
            claims[spec["key"]] = claim_create(citations=citations, **fields)
            summary.count("claims", True)
        else:
            changed = {k: v for k, v in fields.items() if getattr(existing, k) != v}
            have = [{"report": c.report, **{k: getattr(c, k) for k in quoted}} for c in existing.citations.all()]
            cited = citations if quoted and have != citations else None  # loaded before the quotes: add them
            if changed or cited is not None:
                claims[spec["key"]] = claim_update(claim=existing, citations=cited, **changed)
            else:
                claims[spec["key"]] = existing
            summary.count("claims", False)
    say(f"{len(claims)} claims")
    for source_key, target_key, stance, note in RELATIONS:
        claim, target = claims[source_key], claims[target_key]
        exists = Relation.objects.filter(
            claim=claim, target=target, stance=stance, origin=Relation.Origin.EDITOR
        ).exists()
        if not exists:
            relation_create(claim=claim, target=target, stance=stance, note=note)
        summary.count("relations", not exists)
    say(f"{len(RELATIONS)} relations")
    say(f"conflict: {_load_conflict(actors, places, summary)}")
    return summary


EXAMPLES: dict[str, Callable[..., LoadSummary]] = {"panjshir-2021": load_panjshir_2021}
