"""Claim text search (claims/search.py, docs/search.md): what ``q`` finds, in what order, the same in
the API, the claim list page and the exports; kept fresh by the database when names change; bad input
refused by name or answered with nothing, never a 500.

The world is made so that a naive search (the query as one substring of the summary or quote) finds
almost nothing: the words sit in names, aliases, the places above, citations and report titles.
"""

import csv
import io
import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actors.services import actor_update
from claims import search
from claims.models import Citation, Claim, ClaimSearch
from claims.search import MAX_CHARS, MAX_WORDS, query_words, search_claims, simple_search, tsqueries
from claims.services import claim_delete, claim_update
from locations.services import location_update
from sources.services import report_update
from tests.factories import ActorFactory, ClaimFactory, LocationFactory, ReportFactory, SourceFactory

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the full-text search is PostgreSQL's")


@pytest.fixture
def world(db):
    taliban = ActorFactory(name="Taliban", slug="taliban", aliases=["Islamic Emirate"])
    nrf = ActorFactory(name="National Resistance Front", slug="nrf", aliases=["NRF"])
    mujahid = ActorFactory(
        name="Zabihullah Mujahid", kind="person", parent=taliban, aliases=["ذبیح‌الله مجاهد", "Zabiullah"]
    )
    wagner = ActorFactory(name="Wagner Group", slug="wagner", aliases=["ЧВК Вагнер", "PMC Wagner"])
    ukraine_army = ActorFactory(name="Armed Forces of Ukraine", slug="afu", aliases=["ЗСУ"])
    afghanistan = LocationFactory(name="Afghanistan", kind="country")
    parwan = LocationFactory(
        name="Parwan", kind="province", parent=afghanistan, aliases=["Parvan", "پروان", "Charikar region"]
    )
    shattal = LocationFactory(name="Shattal", kind="village", parent=parwan, aliases=["Shotul"])
    panjshir = LocationFactory(name="Panjshir", kind="province", parent=afghanistan)  # no "Panjsher" alias
    bazarak = LocationFactory(name="Bazarak", kind="town", parent=panjshir)
    ukraine = LocationFactory(name="Ukraine", kind="country")
    donetsk = LocationFactory(name="Donetsk Oblast", kind="province", parent=ukraine, aliases=["Донецька область"])
    bakhmut = LocationFactory(
        name="Bakhmut", kind="town", parent=donetsk, aliases=["Artemivsk", "Бахмут", "Артемівськ"]
    )
    source = SourceFactory(name="Wire", slug="wire")
    plain = ReportFactory(source=source, title="Daily bulletin")
    reuters = ReportFactory(source=source, title="Reuters: heavy fighting in the northern valleys")

    def claim(claimant, day, summary, **fields):
        fields.setdefault("citations", [{"report": plain}])
        return ClaimFactory(claimant=claimant, claimed_on=date(2021, 9, day), summary=summary, **fields)

    c = SimpleNamespace(
        # Found by the place and its claimant: neither "Shattal" nor "Taliban" is in its text.
        village=claim(
            taliban, 2, "Fighters took the village at the entrance.", kind="control", subject=taliban, location=shattal
        ),
        # Found by the spokesperson (a person below the Taliban) and his aliases.
        voiced=claim(taliban, 3, "The road is open again.", spokesperson=mujahid),
        # Found by the town's province (Panjshir, spelled Panjsher) and the citation.
        town=claim(
            nrf,
            4,
            "The resistance holds the district centre.",
            location=bazarak,
            citations=[{"report": reuters, "quote": "نیروهای مقاومت در دره پنجشیر ایستاده اند"}],
        ),
        # Ukrainian summary, Russian quote, the subject's Russian alias, the town's aliases.
        assault=claim(
            ukraine_army,
            5,
            "Штурмові загони ворога просунулися на околицях.",
            quote="Подразделения продвинулись в Артёмовске.",
            kind="advance",
            subject=wagner,
            location=bakhmut,
        ),
        # Ranking: the exact phrase "heavy losses" here, older than the claim that only has both words.
        phrase=claim(nrf, 6, "The enemy suffered heavy losses near the pass."),
        scattered=claim(nrf, 20, "Losses were reported; the fighting was heavy."),
        # A claim with none of the words above.
        other=claim(nrf, 7, "Nothing happened today."),
    )
    return SimpleNamespace(
        claims=c,
        taliban=taliban,
        nrf=nrf,
        mujahid=mujahid,
        wagner=wagner,
        parwan=parwan,
        shattal=shattal,
        panjshir=panjshir,
        bazarak=bazarak,
        afghanistan=afghanistan,
        ukraine=ukraine,
        donetsk=donetsk,
        bakhmut=bakhmut,
        plain=plain,
        reuters=reuters,
    )


def api_ids(api, q, **params):
    response = api.get("/api/v1/claims/", {"q": q, **params})
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def found(api, q):
    return set(api_ids(api, q))


# -- what a word finds --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "keys"),
    [
        ("Shattal", {"village"}),  # the place's name
        ("Shotul", {"village"}),  # the place's alias
        ("Parvan", {"village"}),  # the alias of the province above the village
        ("Charikar", {"village"}),
        ("پروان", {"village"}),  # and its alias in Dari
        ("Afghanistan", {"village", "town"}),  # the country above both
        ("Islamic Emirate", {"village", "voiced"}),  # the claimant's alias
        ("Zabihullah", {"voiced"}),  # the spokesperson's name
        ("Zabiullah", {"voiced"}),  # and alias
        ("مجاهد", {"voiced"}),  # and his alias in Dari
        ("NRF centre", {"town"}),  # the claimant's alias and a word of the summary
        ("Wagner", {"assault"}),  # the subject
        ("Вагнер", {"assault"}),  # the subject's Russian alias
        ("Bakhmut", {"assault"}),
        ("Бахмут", {"assault"}),
        ("Донецька", {"assault"}),  # the province's Ukrainian alias
        ("загони ворога", {"assault"}),  # Ukrainian words of the summary
        ("подразделения", {"assault"}),  # a Russian word of the quote, in another case
        ("northern valleys", {"town"}),  # the title of the cited report
        ("دره پنجشیر", {"town"}),  # a Dari phrase of the citation's quote
    ],
)
def test_every_word_is_found_where_it_is(world, api, q, keys):
    assert found(api, q) == {getattr(world.claims, k).pk for k in keys}


def test_words_in_any_order(world, api):
    assert found(api, "Shattal Taliban") == found(api, "taliban SHATTAL") == {world.claims.village.pk}
    assert found(api, "Taliban entrance village") == {world.claims.village.pk}


def test_every_word_must_match(world, api):
    assert found(api, "Taliban Bakhmut") == set()
    assert found(api, "Shattal nowhere") == set()


@on_postgresql
@pytest.mark.parametrize(
    ("q", "key"),
    [
        ("Panjsher", "town"),  # the province above the town, spelled another way (no such alias)
        ("Panjsheer Bazarak", "town"),
        ("Artemovsk", "assault"),  # the Russian spelling of the alias Artemivsk
        ("Артемовск", "assault"),  # in Cyrillic, without the ё of the quote
        ("Bakhmout", "assault"),
        ("Shattaal", "village"),
    ],
)
def test_spelling_variants_and_transliterations(world, api, q, key):
    assert found(api, q) == {getattr(world.claims, key).pk}


@on_postgresql
def test_a_longer_word_is_not_a_variant(world, api):
    """Similar spelling is for variants of about the same length: "Mujahideen" is another word."""
    assert found(api, "Mujahideen") == set()
    assert found(api, "Mujahid") == {world.claims.voiced.pk}


@on_postgresql
def test_a_word_finds_longer_words_it_begins(world, api):
    assert found(api, "Panj") == {world.claims.town.pk}
    assert found(api, "Baza") == {world.claims.town.pk}


@on_postgresql
def test_the_exact_phrase_comes_first_and_an_explicit_ordering_wins(world, api):
    c = world.claims
    assert api_ids(api, "heavy losses") == [c.phrase.pk, c.scattered.pk]
    assert api_ids(api, "losses heavy") == [c.phrase.pk, c.scattered.pk]  # the words closer together first
    assert api_ids(api, "heavy losses", ordering="-claimed_on") == [c.scattered.pk, c.phrase.pk]
    assert api_ids(api, "heavy losses", ordering="claimed_on") == [c.phrase.pk, c.scattered.pk]
    # Without q the list keeps its order, newest claimed first.
    assert api.get("/api/v1/claims/").json()["results"][0]["id"] == c.scattered.pk


@on_postgresql
def test_a_broad_search_comes_newest_claimed_first(world, api, monkeypatch):
    """More than RANK_LIMIT claims with the words: ranking them all would read every one; newest first."""
    monkeypatch.setattr(search, "RANK_LIMIT", 1)
    c = world.claims
    assert api_ids(api, "heavy losses") == [c.scattered.pk, c.phrase.pk]
    assert api_ids(api, "Shotul") == [c.village.pk]


# -- the same claims in the API, the page and the exports -------------------------------------------


def page_ids(client, q):
    response = client.get("/claims/", {"q": q})
    assert response.status_code == 200
    return [int(i) for i in re.findall(r'<td class="claim-cell">\s*<a href="/claims/(\d+)/', response.content.decode())]


def csv_ids(api, q):
    response = api.get("/api/v1/claims/export.csv", {"q": q})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    return {int(row["id"]) for row in csv.DictReader(io.StringIO(text))}


def jsonl_ids(api, q):
    response = api.get("/api/v1/claims/export.jsonl", {"q": q})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    return {json.loads(line)["id"] for line in text.splitlines() if line.strip()}


@pytest.mark.parametrize("q", ["Shotul", "Islamic Emirate", "heavy losses", "Донецька", "دره پنجشیر", "nothing at all"])
def test_api_page_and_exports_give_the_same_claims(world, api, client, q):
    listed = api_ids(api, q)
    assert page_ids(client, q) == listed
    assert csv_ids(api, q) == set(listed) == jsonl_ids(api, q)


def test_the_header_box_searches_the_claim_list(world, client):
    html = client.get("/").content.decode()
    assert re.search(r'<form class="site-search"[^>]*action="/claims/"', html)
    assert 'name="q"' in html and f'maxlength="{MAX_CHARS}"' in html
    assert page_ids(client, "Shotul") == [world.claims.village.pk]


# -- fresh after the names change ------------------------------------------------------------------


def test_renaming_or_aliasing_a_place_after_the_claim(world, api):
    village = world.claims.village
    location_update(location=world.shattal, name="Qalacha")
    assert found(api, "Qalacha") == {village.pk}
    assert found(api, "Shattal") == set()
    location_update(location=world.afghanistan, aliases=["Khorasan"])  # two levels above the village
    assert found(api, "Khorasan") == {village.pk, world.claims.town.pk}


def test_moving_a_place_moves_its_claims_under_the_new_names(world, api):
    location_update(location=world.bazarak, parent=world.parwan)
    assert found(api, "Parvan") == {world.claims.village.pk, world.claims.town.pk}
    assert world.claims.town.pk not in found(api, "Panjshir")


def test_renaming_or_aliasing_an_actor_after_the_claim(world, api):
    actor_update(actor=world.mujahid, aliases=["Zabihullah", "Abu Saleh"])
    assert found(api, "Saleh") == {world.claims.voiced.pk}
    actor_update(actor=world.wagner, name="Africa Corps")
    assert found(api, "Africa Corps") == {world.claims.assault.pk}
    assert found(api, "Wagner") == {world.claims.assault.pk}  # still an alias


def test_editing_a_citation_quote_or_a_report_title(world, api):
    town = world.claims.town
    claim_update(claim=town, citations=[{"report": world.reuters, "quote": "Ahmad Massoud stays in the valley."}])
    assert found(api, "Massoud") == {town.pk}
    assert found(api, "پنجشیر") == set()
    Citation.objects.filter(claim=town).update(quote="Fahim Dashti speaks.")  # as the admin or a script would
    assert found(api, "Dashti") == {town.pk}
    assert found(api, "Massoud") == set()
    report_update(report=world.plain, title="Weekly digest")
    assert found(api, "digest") == {c.pk for c in vars(world.claims).values() if c.pk != town.pk}


def test_editing_and_deleting_a_claim(world, api):
    other = world.claims.other
    claim_update(claim=other, summary="Quiet day in Bazarak.", location=world.shattal)
    assert found(api, "quiet Shotul") == {other.pk}
    claim_delete(claim=other)
    assert found(api, "quiet") == set()
    if connection.vendor == "postgresql":
        assert not ClaimSearch.objects.filter(claim_id=other.pk).exists()


@on_postgresql
def test_every_claim_has_its_search_vector(world):
    assert ClaimSearch.objects.count() == Claim.objects.count()


@on_postgresql
def test_the_documented_rebuild_writes_every_vector(world, api):
    """docs/search.md: after a load with the triggers off, one statement rewrites every vector (the
    migration fills them the same way)."""
    ClaimSearch.objects.all().delete()
    assert not search_claims(Claim.objects.all(), "Shotul").exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT fogwatch_search_refresh(ARRAY(SELECT id FROM claims_claim))")
    assert ClaimSearch.objects.count() == Claim.objects.count()
    assert found(api, "Shotul") == {world.claims.village.pk}


# -- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("x" * 10_000, f"At most {MAX_CHARS} characters"),
        ("a " * 150, f"At most {MAX_CHARS} characters"),
        (" ".join(["word"] * (MAX_WORDS + 1)), f"At most {MAX_WORDS} words"),
        ("!", "Nothing to search for"),
        ("&", "Nothing to search for"),
        (":*", "Nothing to search for"),
        (".*(", "Nothing to search for"),
        ("!!! ... ---", "Nothing to search for"),
        ("Shattal\x00", "Null characters are not allowed"),
    ],
)
def test_bad_q_is_a_400_naming_q(world, api, client, q, message):
    response = api.get("/api/v1/claims/", {"q": q})
    assert response.status_code == 400
    assert message in " ".join(response.json()["q"])
    page = client.get("/claims/", {"q": q})
    assert page.status_code == 400 and message in page.content.decode()
    export = api.get("/api/v1/claims/export.csv", {"q": q})
    assert export.status_code == 400 and "q" in export.json()


@pytest.mark.parametrize(
    ("q", "keys"),
    [
        ("'; DROP TABLE claims_claim; --", set()),
        ("Shattal' OR '1'='1", set()),
        ("a|b", set()),
        ("Shattal|Bakhmut", set()),  # no operator: two words that no claim has both of
        ("Shattal & !Taliban", {"village"}),  # the operators are dropped, the words kept
        ("Shotul:*", {"village"}),
        ("(Shotul)", {"village"}),
        ("O'Neil \\ backslash", set()),
        ("*Shotul*", {"village"}),
    ],
)
def test_query_syntax_means_nothing(world, api, client, q, keys):
    assert found(api, q) == {getattr(world.claims, k).pk for k in keys}
    assert client.get("/claims/", {"q": q}).status_code == 200
    assert Claim.objects.count() == 7


@on_postgresql
def test_lexemes_are_quoted_in_the_tsquery(db):
    match, phrase = tsqueries("O'Neil's c:\\temp a&b")
    with connection.cursor() as cursor:  # both parse as tsqueries
        cursor.execute("SELECT %s::tsquery, %s::tsquery", [match, phrase])
    assert "'neil'" in match


def test_query_words():
    assert query_words("  «Shattal», (Taliban)! ... 4-2-1 ") == ["shattal", "taliban", "4-2-1"]
    assert query_words("!!! & :*") == []


def test_the_list_with_q_runs_a_constant_number_of_queries(world, api, client, django_assert_max_num_queries):
    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    urls = ["/claims/?q=Taliban", "/api/v1/claims/?q=Taliban"]
    one = {url: count(url) for url in urls}
    for i in range(30):
        ClaimFactory(claimant=world.taliban, location=world.shattal, spokesperson=world.mujahid, summary=f"More {i}.")
    for url in urls:
        with django_assert_max_num_queries(one[url]):
            assert client.get(url).status_code == 200


# -- the simple match ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "keys"),
    [
        (["shotul"], {"village"}),
        (["parvan"], {"village"}),  # the province above
        (["taliban", "shattal"], {"village"}),
        (["emirate"], {"village", "voiced"}),
        (["мджахид"], set()),
        (["مجاهد"], {"voiced"}),
        (["вагнер"], {"assault"}),  # casefolded: the alias is ЧВК Вагнер
        (["ворога"], {"assault"}),
        (["valleys"], {"town"}),
        (["پنجشیر"], {"town"}),
        (["heavy", "losses"], {"phrase", "scattered"}),
    ],
)
def test_the_simple_match(world, words, keys):
    """The match SQLite runs (here on whatever database the suite has): every word a substring of a field."""
    result = set(simple_search(Claim.objects.all(), words).values_list("pk", flat=True))
    assert result == {getattr(world.claims, k).pk for k in keys}


if connection.vendor == "sqlite":  # collected only there: test_this_module_passes_on_sqlite_too runs it in CI

    def test_sqlite_uses_the_simple_match(world):
        found = set(search_claims(Claim.objects.all(), "ВАГНЕР").values_list("pk", flat=True))
        assert found == {world.claims.assault.pk}
        assert not search_claims(Claim.objects.all(), "Panjsher").exists()  # no similarity on SQLite


def test_the_panjshir_example(panjshir, api, client):
    """The example's Shattal is spelled Shotul in some reports: an alias, found on every channel."""
    shattal = panjshir["taliban-shattal"].pk
    assert found(api, "Shotul") == {shattal}
    assert found(api, "Shutul Taliban") == found(api, "taliban shotul") == {shattal}
    assert page_ids(client, "Shotul") == [shattal]
    assert csv_ids(api, "Shotul") == {shattal}


@on_postgresql
def test_this_module_passes_on_sqlite_too(tmp_path):
    """The suite runs on PostgreSQL; this runs the module again on a SQLite file (the embedded
    default), so SQLite's simple match, and every test that holds on both, is checked in CI too."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'search.sqlite3'}"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", __file__, "-v", "-p", "no:cacheprovider", "-k", "not passes_on_sqlite"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "test_sqlite_uses_the_simple_match PASSED" in done.stdout
    assert re.search(r"\d+ passed", done.stdout)
