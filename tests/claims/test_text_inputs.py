"""Every text a service takes (actors, places, sources, reports, claims, citations, relations,
conflicts) is cleaned by ``core.text`` before it is checked: NFC stored, invisible characters out,
zero-width-only text refused naming the field, NUL refused naming the field; nothing written when
refused. The API, the admin and the importers all write through these services. And the caps on
lists: citations per claim, aliases, a conflict's places."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from actors.models import Actor
from actors.services import actor_create, actor_update
from claims.models import Citation, Claim, Conflict, Relation
from claims.services import claim_create, claim_update, conflict_create, relation_create
from locations.models import Location
from locations.services import location_create
from sources.models import Report, Source
from sources.services import report_create, source_create
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db

MODELS = (Actor, Location, Source, Report, Claim, Citation, Relation, Conflict)
ZERO_WIDTH = "\u200b\u200d\ufeff"
DECOMPOSED = "Bazarak e\u0301te\u0301"  # é written as e + combining acute
COMPOSED = "Bazarak \u00e9t\u00e9"


def counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in MODELS)


def refused(field: str, write, **kwargs) -> str:
    before = counts()
    with pytest.raises(ValidationError) as error:
        write(**kwargs)
    assert field in error.value.message_dict, error.value.message_dict
    assert counts() == before
    return " ".join(error.value.message_dict[field])


def claim_fields(world, **overrides):
    return {
        "claimant": world.taliban,
        "claimed_on": date(2021, 9, 2),
        "kind": "statement",
        "summary": "Fighters entered the valley.",
        "citations": [{"report": world.report}],
        **overrides,
    }


def writes(world):
    """(service, keyword arguments of a valid write, the text fields it takes)."""
    claim = ClaimFactory(claimant=world.taliban, citations=[{"report": world.report}])
    other = ClaimFactory(claimant=world.nrf, citations=[{"report": world.report}])
    return [
        (actor_create, {"name": "Red Unit"}, ["name", "description"]),
        (location_create, {"name": "Rukha"}, ["name", "description"]),
        (source_create, {"name": "Tolo"}, ["name", "country", "description"]),
        (
            report_create,
            {"source": world.report.source, "title": "Fighting"},
            ["title", "author", "language", "summary"],
        ),
        (
            claim_create,
            claim_fields(world),
            ["summary", "quote", "language", "verdict_rationale", "external_id", "location_precision"],
        ),
        (relation_create, {"claim": other, "target": claim, "stance": "denies"}, ["note"]),
        (conflict_create, {"name": "Panjshir", "start": date(2021, 8, 15)}, ["name", "description"]),
    ]


def test_a_zero_width_only_summary_is_refused_naming_summary(world):
    message = refused("summary", claim_create, **claim_fields(world, summary=ZERO_WIDTH))
    assert "only invisible characters" in message


def test_every_text_input_of_every_service_refuses_invisible_only_text_and_nul(world):
    for service, valid, fields in writes(world):
        for field in fields:
            assert "invisible" in refused(field, service, **{**valid, field: ZERO_WIDTH}), (service, field)
            assert "NUL" in refused(field, service, **{**valid, field: "a\x00b"}), (service, field)
            assert "Give text" in refused(field, service, **{**valid, field: 12345}), (service, field)


def test_every_text_input_of_every_service_is_stored_nfc_without_invisible_characters(world):
    for service, valid, fields in writes(world):
        written = {field: f"\u200b{DECOMPOSED}\u2060 " for field in fields if field not in ("language",)}
        if "language" in fields:
            written["language"] = "\ufeffen"
        obj = service(**{**valid, **written})
        obj.refresh_from_db()
        for field in written:
            expected = "en" if field == "language" else COMPOSED
            assert getattr(obj, field) == expected, (service, field)


def test_a_citation_quote_is_cleaned_and_a_nul_names_citations(world):
    claim = claim_create(**claim_fields(world, citations=[{"report": world.report, "quote": f" {DECOMPOSED}\u200b"}]))
    assert claim.citations.get().quote == COMPOSED
    assert "NUL" in refused(
        "citations", claim_create, **claim_fields(world, citations=[{"report": world.report, "quote": "a\x00"}])
    )


def test_persian_text_keeps_its_zero_width_non_joiners(world):
    summary = "طالبان می\u200cگویند پنجشیر را گرفته\u200cاند"
    assert claim_create(**claim_fields(world, summary=summary)).summary == summary


def test_aliases_are_cleaned_and_capped(world, settings):
    actor = actor_create(name="Taliban movement", aliases=["IEA\u200b", "IEA", f" {DECOMPOSED}"])
    assert actor.aliases == ["IEA", COMPOSED]
    assert "NUL" in refused("aliases", actor_create, name="X", aliases=["a\x00"])
    settings.FOGWATCH_MAX_LIST_ITEMS = 3
    message = refused("aliases", actor_update, actor=actor, aliases=["a", "b", "c", "d"])
    assert message == "At most 3 aliases (FOGWATCH_MAX_LIST_ITEMS); 4 were given."


def test_citations_past_the_cap_are_refused_before_anything_is_written(world, settings):
    assert settings.FOGWATCH_MAX_CITATIONS == 200
    many = [{"report": world.report}] * 201
    message = refused("citations", claim_create, **claim_fields(world, citations=many))
    assert message == "At most 200 citations per claim (FOGWATCH_MAX_CITATIONS); 201 were given."
    claim = claim_create(**claim_fields(world, citations=[{"report": world.report}] * 200))
    assert claim.citations.count() == 200
    refused("citations", claim_update, claim=claim, citations=many)
    assert claim.citations.count() == 200


def test_a_conflict_with_too_many_places_is_refused(world, settings):
    settings.FOGWATCH_MAX_LIST_ITEMS = 2
    places = [world.shattal, world.panjshir, location_create(name="Parwan")]
    message = refused("places", conflict_create, name="Too wide", start=date(2021, 8, 15), places=places)
    assert "At most 2 places" in message


def test_a_bad_slug_is_refused_before_it_is_looked_up(world):
    assert "slug" in refused("slug", actor_create, name="Red Unit", slug="red\x00unit")
