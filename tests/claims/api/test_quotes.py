"""Quotes in their language (DESIGN.md, "Quote in its language"): a claim's and a citation's quote keep
the original and its language, with a translation beside it (who made it, when). Written through the
API and the admin, refused with the field named, found by search, shown in the history."""

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from claims.models import Citation, Claim
from claims.search import search_claims, simple_search
from tests.factories import ClaimFactory
from tests.support.admin import INLINE_PREFIXES

pytestmark = pytest.mark.django_db

PASHTO = "موږ د پنجشیر دروازه ونیوله"  # "We took the gate of Panjshir", as an editor wrote it for these tests
ENGLISH = "We took the gate of Panjshir"
WHEN = "2021-09-03T10:00:00Z"


def quoted(**overrides):
    values = {
        "quote": PASHTO,
        "language": "ps",
        "translation": ENGLISH,
        "translation_language": "en",
        "translated_by": "A. Translator",
        "translated_at": WHEN,
    }
    return values | overrides


# -- the API -----------------------------------------------------------------------------------


def test_a_quote_and_its_translation_round_trip_through_the_api(editor_api, claim_payload, world):
    body = claim_payload | quoted()
    body["citations"] = [{"report": world.report.pk, **quoted(translated_by="machine:deepl", translated_at=None)}]
    response = editor_api.post("/api/v1/claims/", body, format="json")
    assert response.status_code == 201, response.json()
    read = editor_api.get(response["Location"]).json()
    for name, value in quoted().items():
        assert read[name] == value, name
    (citation,) = read["citations"]
    assert {k: citation[k] for k in ("quote", "language", "translation", "translation_language", "translated_by")} == {
        "quote": PASHTO,
        "language": "ps",
        "translation": ENGLISH,
        "translation_language": "en",
        "translated_by": "machine:deepl",
    }
    assert citation["translated_at"] is not None  # not given: the time of the write
    stored = Citation.objects.get(pk=citation["id"])
    assert abs((datetime.now(UTC) - stored.translated_at).total_seconds()) < 60

    # A PUT of what was read changes nothing of the quotes; a PATCH of the translation changes it alone.
    put = {k: v for k, v in read.items() if k in body}
    put["citations"] = [{"report": world.report.pk, **{k: citation[k] for k in quoted()}}]
    put["claimant"] = world.taliban.pk
    assert editor_api.put(response["Location"], put, format="json").status_code == 200
    patched = editor_api.patch(response["Location"], {"translation": "We hold the gate of Panjshir"}, format="json")
    assert patched.status_code == 200, patched.json()
    assert patched.json()["translation"] == "We hold the gate of Panjshir"
    assert patched.json()["translated_by"] == "A. Translator" and patched.json()["quote"] == PASHTO
    assert patched.json()["citations"][0]["translated_by"] == "machine:deepl"


@pytest.mark.parametrize("tag", ["prs", "ps", "uk", "ru", "ar", "am", "fa-AF"])
def test_language_codes_are_accepted(editor_api, claim_payload, tag):
    response = editor_api.post(
        "/api/v1/claims/", claim_payload | quoted(language=tag, translation_language=tag), format="json"
    )
    assert response.status_code == 201, response.json()
    assert Claim.objects.get(pk=response.json()["id"]).language == tag


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"quote": "", "language": ""}, "translation", "needs the original quote"),
        ({"language": "klingon language"}, "language", "“klingon language” is not a language code"),
        ({"translation_language": "xx-??"}, "translation_language", "“xx-??” is not a language code"),
        ({"translated_by": ""}, "translated_by", "Say who made the translation"),
        ({"translated_by": "machine:"}, "translated_by", "Name the engine"),
        ({"translated_at": "2999-01-01T00:00:00Z"}, "translated_at", "cannot be in the future"),
    ],
    ids=["translation-without-original", "bad-language", "bad-translation-language", "unsigned", "machine", "future"],
)
def test_bad_quotes_are_400s_naming_the_field_and_nothing_is_written(
    editor_api, claim_payload, world, fields, field, words
):
    before = (Claim.objects.count(), Citation.objects.count())
    response = editor_api.post("/api/v1/claims/", claim_payload | quoted(**fields), format="json")
    assert response.status_code == 400
    assert words in " ".join(response.json()[field])
    # The same on a citation: the error nested under it, on its field.
    body = claim_payload | {"citations": [{"report": world.report.pk}, {"report": world.report.pk, **quoted(**fields)}]}
    response = editor_api.post("/api/v1/claims/", body, format="json")
    assert response.status_code == 400, response.json()
    errors = response.json()["citations"]  # by position: only the second citation is at fault
    assert list(errors) == ["1"] and words in " ".join(errors["1"][field])
    assert (Claim.objects.count(), Citation.objects.count()) == before


def test_an_update_with_a_bad_code_is_refused_and_changes_nothing(editor_api, world):
    claim = ClaimFactory(claimant=world.taliban, citations=[{"report": world.report}], **quoted(translated_at=None))
    response = editor_api.patch(f"/api/v1/claims/{claim.pk}/", {"language": "klingon language"}, format="json")
    assert response.status_code == 400 and "language" in response.json()
    claim.refresh_from_db()
    assert claim.language == "ps"


def test_removing_a_translation_clears_who_made_it_and_when(editor_api, world):
    claim = ClaimFactory(claimant=world.taliban, citations=[{"report": world.report}], **quoted(translated_at=None))
    response = editor_api.patch(f"/api/v1/claims/{claim.pk}/", {"translation": ""}, format="json")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["quote"], data["translation"], data["translated_by"], data["translated_at"]) == (PASHTO, "", "", None)


# -- the admin -----------------------------------------------------------------------------------


@pytest.fixture
def editor_client(client, editor):
    """The editor signed into the admin."""
    client.force_login(editor)
    return client


def admin_data(world, *, citations, **fields):
    """The claim add/change form as a browser posts it, with the quote fields of the claim and each citation."""
    data = {
        "claimant": str(world.taliban.pk),
        "spokesperson": "",
        "claimed_on": "2021-09-02",
        "kind": "statement",
        "summary": "The Taliban say they took the gate of Panjshir.",
        "subject": "",
        "location": "",
        "location_precision": "",
        "event_start": "",
        "event_end": "",
        "date_precision": "day",
        "count_min": "",
        "count_max": "",
        "verdict": "",
        "verdict_rationale": "",
        "verdict_on": "",
        "external_id": "",
        "quote": "",
        "language": "",
        "translation": "",
        "translation_language": "en",
        "translated_by": "",
        "translated_at_0": "",
        "translated_at_1": "",
    } | fields
    for prefix in INLINE_PREFIXES:
        data |= {
            f"{prefix}-{k}": v for k, v in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"), ("MAX_NUM_FORMS", "1000"))
        }
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
    initial = 0
    for i, row in enumerate(citations):
        initial += 1 if row.get("id") else 0
        values = {"id": "", "quote": "", "language": "", "translation": "", "translation_language": "en"}
        values |= {"translated_by": "", "translated_at_0": "", "translated_at_1": ""} | row
        data |= {f"citations-{i}-{k}": str(v) for k, v in values.items()}
    data["citations-TOTAL_FORMS"] = str(len(citations))
    data["citations-INITIAL_FORMS"] = str(initial)
    return data


def test_the_admin_writes_quotes_signs_unsigned_translations_and_the_history_shows_edits(editor_client, editor, world):
    editor.first_name, editor.last_name = "Ada", "Editor"
    editor.save()
    data = admin_data(
        world,
        quote=PASHTO,
        language="ps",
        translation=ENGLISH,
        citations=[
            {
                "report": world.report.pk,
                "quote": PASHTO,
                "language": "ps",
                "translation": ENGLISH,
                "translated_by": "machine:deepl",
                "translated_at_0": "2021-09-03",
                "translated_at_1": "10:00:00",
            }
        ],
    )
    response = editor_client.post(reverse("admin:claims_claim_add"), data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    claim = Claim.objects.get(summary=data["summary"])
    assert (claim.quote, claim.language, claim.translation, claim.translation_language) == (PASHTO, "ps", ENGLISH, "en")
    assert claim.translated_by == "Ada Editor"  # unsigned: the editor's name
    assert claim.translated_at is not None
    (citation,) = claim.citations.all()
    assert (citation.quote, citation.language, citation.translation, citation.translated_by) == (
        PASHTO,
        "ps",
        ENGLISH,
        "machine:deepl",
    )
    assert citation.translated_at.astimezone(UTC).date().isoformat() == "2021-09-03"

    # The change form: a new translation of the claim and of its citation.
    change = admin_data(
        world,
        quote=PASHTO,
        language="ps",
        translation="We hold the gate of Panjshir",
        translated_by="Ada Editor",
        translated_at_0="2021-09-04",
        translated_at_1="09:00:00",
        citations=[
            {
                "id": citation.pk,
                "claim": claim.pk,
                "report": world.report.pk,
                "quote": PASHTO,
                "language": "ps",
                "translation": "We hold the gate",
                "translated_by": "machine:deepl",
                "translated_at_0": "2021-09-03",
                "translated_at_1": "10:00:00",
            }
        ],
    )
    response = editor_client.post(reverse("admin:claims_claim_change", args=[claim.pk]), change)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    claim.refresh_from_db()
    citation.refresh_from_db()
    assert claim.translation == "We hold the gate of Panjshir" and citation.translation == "We hold the gate"
    assert citation.pk == claim.citations.get().pk  # changed in place

    entries = editor_client.get(f"/api/v1/claims/{claim.pk}/history/").json()
    changed = [e for e in entries if e["kind"] == "edit" and e["type"] == "changed"]
    fields = {(e["object"], c["field"]) for e in changed for c in e["changes"]}
    assert {("claim", "translation"), ("claim", "translated_at"), ("citation", "translation")} <= fields
    claim_entry = next(e for e in changed if e["object"] == "claim")
    translation = next(c for c in claim_entry["changes"] if c["field"] == "translation")
    assert (translation["old"], translation["new"]) == (ENGLISH, "We hold the gate of Panjshir")
    page = editor_client.get(f"/claims/{claim.pk}/").content.decode().split('id="history-h"')[1]
    assert "translation" in page and "We hold the gate of Panjshir" in page


def test_the_admin_shows_quote_errors_on_their_fields_and_writes_nothing(editor_client, world):
    data = admin_data(
        world,
        quote=PASHTO,
        language="klingon language",
        citations=[{"report": world.report.pk, "translation": ENGLISH, "translated_by": "Someone"}],
    )
    response = editor_client.post(reverse("admin:claims_claim_add"), data)
    assert response.status_code == 200
    assert "is not a language code" in " ".join(response.context["adminform"].form.errors["language"])
    citations = next(f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "citations")
    (form,) = citations.formset.forms
    assert "needs the original quote" in " ".join(form.errors["translation"])
    assert not Claim.objects.filter(summary=data["summary"]).exists()


# -- search --------------------------------------------------------------------------------------


def test_search_finds_a_claim_by_a_word_only_in_its_translation(api, world):
    by_claim = ClaimFactory(
        claimant=world.taliban,
        summary="A statement on the valley.",
        citations=[{"report": world.report}],
        **quoted(translation="The gatehouse of Panjshir is ours", translated_at=None),
    )
    by_citation = ClaimFactory(
        claimant=world.taliban,
        summary="Another statement on the valley.",
        citations=[{"report": world.report, **quoted(translation="Our banners fly over Rukha", translated_at=None)}],
    )
    ClaimFactory(claimant=world.taliban, summary="A third statement, with no quote.")

    def found(word):
        return [c["id"] for c in api.get("/api/v1/claims/", {"q": word}).json()["results"]]

    assert found("gatehouse") == [by_claim.pk]
    assert found("banners") == [by_citation.pk]
    # The search vectors follow an edit of the translation (the triggers fire on it).
    Claim.objects.filter(pk=by_claim.pk).update(translation="The watchtower of Panjshir is ours")
    assert found("watchtower") == [by_claim.pk] and found("gatehouse") == []
    Citation.objects.filter(claim=by_citation).update(translation="Our pennants fly over Rukha")
    assert found("pennants") == [by_citation.pk]
    # The match without full text (SQLite's), run on this database: the same claims.
    claims = Claim.objects.all()
    assert list(simple_search(claims, ["watchtower"]).values_list("pk", flat=True)) == [by_claim.pk]
    assert list(simple_search(claims, ["pennants"]).values_list("pk", flat=True)) == [by_citation.pk]
    assert set(search_claims(claims, "valley").values_list("pk", flat=True)) >= {by_claim.pk, by_citation.pk}


@pytest.mark.skipif(connection.vendor == "sqlite", reason="this is the PostgreSQL run starting the SQLite one")
def test_the_search_by_translation_passes_on_sqlite_too(tmp_path):
    """The embedded default (``make run``) is SQLite, whose search is the simple match: the search test
    above, run again on a SQLite file."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'quotes.sqlite3'}"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", __file__, "-v", "-p", "no:cacheprovider", "-n", "0", "-k", "by_a_word_only"],
        cwd=Path(__file__).resolve().parents[3],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "test_search_finds_a_claim_by_a_word_only_in_its_translation PASSED" in done.stdout
