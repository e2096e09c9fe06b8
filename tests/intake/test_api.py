"""The intake API (/api/v1/intake/): read an article into drafts, edit them, confirm them into
claims in one transaction, discard; editors only; bad input a 400 naming the field, nothing
written."""

from datetime import date

import pytest

from actors.models import Actor
from claims.models import Citation, Claim, Relation
from intake.models import Intake
from locations.models import Location
from sources.models import Report, Source

pytestmark = pytest.mark.django_db

URL = "/api/v1/intake/"
REUTERS_ITEM = (
    "KABUL, Sept 6 (Reuters) - The Taliban said on Monday they had captured Panjshir province, the last "
    'holdout of resistance in Afghanistan. "Panjshir is now under the control of the Islamic Emirate," '
    "Taliban spokesman Zabihullah Mujahid said.\n\n"
    "The National Resistance Front rejected the claim as false and said its fighters still held strategic "
    "positions in the valley, NRF spokesman Fahim Dashti said."
)


def counts() -> tuple[int, ...]:
    return (
        Intake.objects.count(),
        Claim.objects.count(),
        Report.objects.count(),
        Citation.objects.count(),
        Relation.objects.count(),
    )


def ids(*slugs: str) -> list[int]:
    found = dict(Actor.objects.filter(slug__in=slugs).values_list("slug", "pk"))
    return [found[s] for s in slugs]


def make_intake(drafts: list[dict], **fields) -> Intake:
    """An intake as the reader leaves it (the tests of confirm do not depend on how well it reads)."""
    base = {
        "kind": "statement",
        "claimant": None,
        "spokesperson": None,
        "subject": None,
        "location": None,
        "summary": "",
        "quote": "",
        "evidence": {"start": 0, "end": 1},
        "event_start": None,
        "event_end": None,
        "date_precision": "day",
        "count_min": None,
        "count_max": None,
        "responds_to": [],
        "same_as": [],
        "confidence": 0.5,
        "notes": "",
    }
    rows = [{**base, "index": i, **draft} for i, draft in enumerate(drafts)]
    defaults = {
        "text": REUTERS_ITEM,
        "title": "Taliban say Panjshir taken",
        "source": Source.objects.get(slug="reuters"),
    }
    return Intake.objects.create(drafts=rows, **{**defaults, **fields})


@pytest.fixture
def two_drafts(panjshir):
    taliban, nrf, mujahid = ids("taliban", "nrf", "zabihullah-mujahid")
    panjshir_place = Location.objects.get(slug="panjshir").pk
    return make_intake(
        [
            {
                "kind": "control",
                "claimant": taliban,
                "spokesperson": mujahid,
                "subject": taliban,
                "location": panjshir_place,
                "summary": "The Taliban say they captured Panjshir.",
                "quote": "they had captured Panjshir province",
                "event_start": "2021-09-06",
            },
            {
                "kind": "statement",
                "claimant": nrf,
                "summary": "The NRF calls the Taliban's claim false.",
                "quote": "rejected the claim as false",
                "responds_to": [{"draft": 0, "stance": "denies"}],
            },
        ],
        published_at="2021-09-06T10:00:00Z",
    )


def test_an_editor_posts_an_article_and_gets_drafts_with_actors_and_places(editor_api, panjshir):
    response = editor_api.post(
        URL,
        {
            "text": REUTERS_ITEM,
            "title": "Taliban say Panjshir taken",
            "source": Source.objects.get(slug="reuters").pk,
            "published_at": "2021-09-06",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "draft" and body["url"] == "" and body["api_url"].endswith(f"/api/v1/intake/{body['id']}/")
    assert response["Location"] == body["api_url"]
    assert body["language"] == "en"
    assert body["drafts"], "the item holds claims"
    first = body["drafts"][0]
    assert set(first) >= {
        "index",
        "claimant",
        "kind",
        "summary",
        "quote",
        "evidence",
        "responds_to",
        "same_as",
        "confidence",
        "notes",
    }
    named = {d["claimant"]["slug"] for d in body["drafts"] if d["claimant"]}
    assert "taliban" in named
    for draft in body["drafts"]:
        start, end = draft["evidence"]["start"], draft["evidence"]["end"]
        assert REUTERS_ITEM[start:end] == draft["quote"]
    assert editor_api.get(body["api_url"]).json()["drafts"] == body["drafts"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "   \n\t "}, "text"),
        ({"text": "x" * 100_001}, "text"),
        ({"text": "The Taliban\x00 said"}, "text"),
        ({}, "text"),
        ({"text": "The Taliban said.", "source": 987654}, "source"),
        ({"text": "The Taliban said.", "published_at": "3 Sept"}, "published_at"),
        ({"text": "The Taliban said.", "published_at": "2021-02-30"}, "published_at"),
        ({"text": "The Taliban said.", "language": "english please"}, "language"),
        ({"text": "The Taliban said.", "url": "not a url"}, "url"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(editor_api, panjshir, body, field):
    before = counts()
    response = editor_api.post(URL, body, format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert counts() == before


def test_analysts_are_refused_and_anonymous_clients_asked_to_log_in(analyst_api, api, two_drafts):
    before = counts()
    for client, code in ((analyst_api, 403), (api, 401)):
        assert client.post(URL, {"text": REUTERS_ITEM}, format="json").status_code == code
        assert client.get(URL).status_code == code
        assert client.get(f"{URL}{two_drafts.pk}/").status_code == code
        assert client.post(f"{URL}{two_drafts.pk}/confirm/", {}, format="json").status_code == code
        assert client.post(f"{URL}{two_drafts.pk}/discard/", {}, format="json").status_code == code
    assert counts() == before


def test_confirm_makes_the_claims_the_denial_and_the_report_in_one_go(editor_api, two_drafts):
    before = counts()
    response = editor_api.post(f"{URL}{two_drafts.pk}/confirm/", {"drafts": [0, 1]}, format="json")
    assert response.status_code == 200, response.content
    made = response.json()
    assert len(made["claims"]) == 2 and made["cited"] == [] and len(made["relations"]) == 1
    capture, denial = (Claim.objects.get(pk=pk) for pk in made["claims"])
    assert capture.citations.get().report_id == made["report"] == denial.citations.get().report_id
    assert capture.claimed_on == date(2021, 9, 6)
    assert capture.status == "contested" and capture.contested
    assert capture.reasons[0]["code"] == "denied_by" and "National Resistance Front" in capture.reasons[0]["text"]
    relation = Relation.objects.get(pk=made["relations"][0])
    assert (relation.claim_id, relation.target_id, relation.stance) == (denial.pk, capture.pk, "denies")
    assert Report.objects.get(pk=made["report"]).source.slug == "reuters"
    assert counts()[1:] == (before[1] + 2, before[2] + 1, before[3] + 2, before[4] + 1)
    two_drafts.refresh_from_db()
    assert two_drafts.state == "confirmed" and two_drafts.made["report"] == made["report"]


def test_confirming_twice_or_after_a_discard_is_a_409(editor_api, two_drafts, panjshir):
    assert editor_api.post(f"{URL}{two_drafts.pk}/confirm/", {}, format="json").status_code == 200
    before = counts()
    again = editor_api.post(f"{URL}{two_drafts.pk}/confirm/", {}, format="json")
    assert again.status_code == 409 and "confirmed" in again.json()["detail"]
    discarded = make_intake([{"kind": "statement", "claimant": ids("nrf")[0], "summary": "A denial."}])
    assert editor_api.post(f"{URL}{discarded.pk}/discard/", {}, format="json").status_code == 200
    late = editor_api.post(f"{URL}{discarded.pk}/confirm/", {}, format="json")
    assert late.status_code == 409 and "discarded" in late.json()["detail"]
    assert (
        editor_api.patch(f"{URL}{discarded.pk}/", {"drafts": [{"index": 0, "summary": "x"}]}, format="json").status_code
        == 409
    )
    assert counts() == (before[0] + 1, *before[1:])


def test_a_draft_the_services_refuse_fails_the_whole_confirm_naming_draft_and_field(editor_api, two_drafts):
    # An editor turns the denial into a control claim without a place: the claims service refuses it.
    patched = editor_api.patch(f"{URL}{two_drafts.pk}/", {"drafts": [{"index": 1, "kind": "control"}]}, format="json")
    assert patched.status_code == 200
    before = counts()
    response = editor_api.post(f"{URL}{two_drafts.pk}/confirm/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) >= {"drafts[1].location"}, response.json()
    assert counts() == before
    two_drafts.refresh_from_db()
    assert two_drafts.state == "draft"


def test_editing_drafts_changes_what_confirm_makes(editor_api, two_drafts):
    shattal = Location.objects.get(slug="shattal").pk
    response = editor_api.patch(
        f"{URL}{two_drafts.pk}/",
        {
            "drafts": [
                {
                    "index": 0,
                    "location": shattal,
                    "summary": "The Taliban say they took Shattal.",
                    "count_min": 11,
                    "count_max": 11,
                }
            ]
        },
        format="json",
    )
    assert response.status_code == 200
    edited = response.json()["drafts"][0]
    assert edited["location"]["slug"] == "shattal" and edited["count_min"] == 11
    made = editor_api.post(f"{URL}{two_drafts.pk}/confirm/", {"drafts": [0]}, format="json").json()
    claim = Claim.objects.get(pk=made["claims"][0])
    assert (claim.location_id, claim.summary, claim.count_min) == (shattal, "The Taliban say they took Shattal.", 11)
    assert made["relations"] == []  # the denial was not kept


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"index": 7, "summary": "x"}, "drafts[0].index"),
        ({"index": 0, "kind": "rumour"}, "drafts[0].kind"),
        ({"index": 0, "claimant": 987654}, "drafts[0].claimant"),
        ({"index": 0, "event_start": "31 August"}, "drafts[0].event_start"),
        ({"index": 0, "count_min": -3}, "drafts[0].count_min"),
        ({"index": 0, "responds_to": [{"draft": 9, "stance": "denies"}]}, "drafts[0].responds_to"),
        ({"index": 0, "status": "confirmed"}, "drafts[0]"),
    ],
)
def test_a_bad_edit_is_a_400_naming_the_draft_and_field(editor_api, two_drafts, change, field):
    stored = list(Intake.objects.values_list("drafts", flat=True))
    response = editor_api.patch(f"{URL}{two_drafts.pk}/", {"drafts": [change]}, format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert list(Intake.objects.values_list("drafts", flat=True)) == stored


def test_a_draft_the_same_as_an_existing_claim_cites_the_new_report_on_it(editor_api, panjshir):
    existing = panjshir["taliban-shattal"]
    draft = {
        "kind": existing.kind,
        "claimant": existing.claimant_id,
        "subject": existing.subject_id,
        "location": existing.location_id,
        "summary": "The Taliban say they hold Shattal.",
        "event_start": existing.event_start.isoformat(),
        "same_as": [existing.pk],
    }
    intake = make_intake([draft], url="https://www.reuters.com/world/asia-pacific/shattal-2021-09-04/")
    cited_before = existing.citations.count()
    claims_before = Claim.objects.count()
    made = editor_api.post(f"{URL}{intake.pk}/confirm/", {}, format="json").json()
    assert made["claims"] == [] and made["cited"] == [existing.pk]
    assert Claim.objects.count() == claims_before
    assert existing.citations.count() == cited_before + 1
    assert existing.citations.filter(report_id=made["report"]).exists()
    # The citation it had keeps its quote's translation (the example's Dari one).
    kept = existing.citations.exclude(report_id=made["report"]).get()
    assert (kept.translation_language, kept.translated_by) == ("prs", "Fogwatch example editor")
    assert kept.translation.startswith("طالبان")


def test_reading_finds_a_claim_already_in_the_database_as_same_as(editor_api, panjshir):
    existing = panjshir["taliban-shattal"]
    from intake.services import same_as

    draft = {
        "kind": existing.kind,
        "claimant": existing.claimant_id,
        "location": existing.location_id,
        "subject": existing.subject_id,
        "event_start": existing.event_start.isoformat(),
        "event_end": None,
    }
    assert existing.pk in same_as(draft)
    assert same_as({**draft, "location": Location.objects.get(slug="baghlan").pk}) == []
    assert same_as({**draft, "claimant": Actor.objects.get(slug="nrf").pk}) == []


def test_discard_keeps_the_intake_and_writes_nothing_else(editor_api, two_drafts):
    before = counts()
    response = editor_api.post(f"{URL}{two_drafts.pk}/discard/", {}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "discarded"
    assert counts() == before


def test_an_edited_unit_is_confirmed_onto_the_claim_and_a_bad_one_named(editor_api, two_drafts):
    bad = editor_api.patch(f"{URL}{two_drafts.pk}/", {"drafts": [{"index": 0, "count_unit": "dead"}]}, format="json")
    assert bad.status_code == 400 and "drafts[0].count_unit" in bad.json()
    change = {"index": 0, "count_min": 11, "count_max": 11, "count_unit": "positions"}
    response = editor_api.patch(f"{URL}{two_drafts.pk}/", {"drafts": [change]}, format="json")
    assert response.status_code == 200 and response.json()["drafts"][0]["count_unit"] == "positions"
    made = editor_api.post(f"{URL}{two_drafts.pk}/confirm/", {"drafts": [0]}, format="json").json()
    assert Claim.objects.get(pk=made["claims"][0]).count_unit == "positions"
