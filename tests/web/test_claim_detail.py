"""One claim: proposition, status and reasons, attribution chain, timeline, as-of, history, JSON-LD."""

import json
import re
from datetime import date

import pytest
from django.utils.html import escape

from claims.services import claim_set_verdict, claim_update
from tests.factories import ActorFactory, ClaimFactory, RelationFactory, ReportFactory, SourceFactory
from tests.support.queries import queries_for

pytestmark = pytest.mark.django_db


def json_ld(html: str) -> list[dict]:
    return [json.loads(m) for m in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]


def test_contested_claim_shows_every_reason_linking_to_the_claim_behind_it(client, panjshir):
    capture, denial, passes = panjshir["taliban-capture"], panjshir["nrf-denial"], panjshir["nrf-passes"]
    response = client.get(f"/claims/{capture.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'Status: <span class="badge badge-contested"' in html
    assert (
        f'<a href="/claims/{denial.pk}/">Denied by National Resistance Front (Fahim Dashti) on 2021-09-03</a>' in html
    )
    assert f'<a href="/claims/{passes.pk}/">Contradicted by National Resistance Front' in html
    assert "No claim by an actor independent of Taliban supports it" in html


def test_proposition_in_plain_words(client, panjshir):
    html = client.get(f"/claims/{panjshir['taliban-capture'].pk}/").content.decode()
    assert (
        '<a href="/actors/taliban/">Taliban</a> advanced in <a href="/locations/panjshir/">Panjshir</a>, '
        "taking 11 positions, between 1 Sep 2021 and 2 Sep 2021" in html
    )
    html = client.get(f"/claims/{panjshir['taliban-shattal'].pk}/").content.decode()
    assert (
        '<a href="/actors/taliban/">Taliban</a> controls <a href="/locations/shattal/">Shattal</a> on 2 Sep 2021'
        in html
    )
    html = client.get(f"/claims/{panjshir['reuters-eight-killed'].pk}/").content.decode()
    assert "suffered at least 8 casualties in" in html


def test_attribution_chain_claimant_spokesperson_quotes_reports_sources(client, db):
    source = SourceFactory(name="Wire One", slug="wire-one", kind="wire", reliability="B")
    report = ReportFactory(source=source, title="Fighting near the pass", url="https://news.example.org/pass")
    party = ActorFactory(name="Front", slug="front")
    speaker = ActorFactory(name="Spokes Person", slug="spokes", parent=party, kind="person")
    claim = ClaimFactory(
        claimant=party, spokesperson=speaker, citations=[{"report": report, "quote": "نحن نسيطر على الممر"}]
    )
    html = client.get(f"/claims/{claim.pk}/").content.decode()
    chain = html.split('id="attribution-h"')[1].split("</section>")[0]
    order = [
        chain.index('href="/actors/front/"'),
        chain.index('href="/actors/spokes/"'),
        chain.index('<blockquote class="quote" dir="auto">نحن نسيطر على الممر</blockquote>'),
        chain.index(f'href="/reports/{report.pk}/">Fighting near the pass</a>'),
        chain.index('href="/sources/wire-one/">Wire One</a>, wire agency, reliability'),
    ]
    assert order == sorted(order)
    assert 'href="https://news.example.org/pass"' in chain
    assert '<span class="grade grade-B" title="Source reliability B: usually reliable">B</span>' in chain


def test_timeline_lists_responses_and_answered_claims_by_date(client, panjshir):
    denial = panjshir["nrf-denial"]
    html = client.get(f"/claims/{denial.pk}/").content.decode()
    timeline = html.split('id="timeline-h"')[1].split("</section>")[0]
    assert timeline.count('class="tl-item') == 3  # itself, and the two Taliban claims it denies
    assert "This claim denies" in timeline
    assert escape(panjshir["taliban-shattal"].summary) in timeline
    dates = re.findall(r'<time datetime="([\d-]+)">', timeline)
    assert dates == sorted(dates)


def test_echo_from_the_same_bloc_is_marked(client, panjshir):
    html = client.get(f"/claims/{panjshir['nrf-passes'].pk}/").content.decode()
    assert "echo, same side" in html
    assert "Supports this claim" in html


def test_as_of_shows_the_status_on_that_date(client, panjshir):
    capture = panjshir["taliban-capture"]
    response = client.get(f"/claims/{capture.pk}/?as_of=2021-09-02")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'Status as of 2 Sep 2021: <span class="badge badge-unverified"' in html
    assert 'today: <span class="badge badge-contested"' in html
    assert "Denied by" not in html
    assert escape(panjshir["nrf-denial"].summary) not in html  # not made yet


def test_as_of_before_the_claim_was_made_is_404(client, panjshir):
    response = client.get(f"/claims/{panjshir['taliban-capture'].pk}/?as_of=2021-09-01")
    assert response.status_code == 404


def test_invalid_as_of_is_a_form_error(client, panjshir):
    response = client.get(f"/claims/{panjshir['taliban-capture'].pk}/?as_of=soon")
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()


def test_unknown_claim_is_404(client, db):
    assert client.get("/claims/987654/").status_code == 404


def test_history_lists_changes(client, db):
    claim = ClaimFactory(summary="First wording.")
    claim_update(claim=claim, summary="Second wording.")
    html = client.get(f"/claims/{claim.pk}/").content.decode()
    history = html.split('id="history-h"')[1].split("</section>")[0]
    assert "Created" in history
    assert "summary: <del>First wording.</del> → <ins>Second wording.</ins>" in history


@pytest.mark.parametrize("reader", ["anonymous", "analyst", "staff"])
def test_history_names_the_editor_to_staff_only(client, editor_api, editor, analyst, reader):
    claim = ClaimFactory(summary="First wording.")
    assert editor_api.patch(f"/api/v1/claims/{claim.pk}/", {"summary": "Second wording."}).status_code == 200
    if reader != "anonymous":
        client.force_login(editor if reader == "staff" else analyst)
    html = client.get(f"/claims/{claim.pk}/").content.decode()
    history = html.split('id="history-h"')[1].split("</section>")[0]
    changed = history.split("</li>")[0]
    assert "Changed" in changed
    if reader == "staff":
        assert "by editor" in changed
    else:
        assert "by an editor" in changed
        assert "editor</" not in html and ">editor<" not in html and "by editor" not in html


def test_json_ld_claim_and_claim_review_when_there_is_a_verdict(client, db):
    claim = ClaimFactory(summary="Eight fighters were killed </script><script>alert(1)</script>")
    html = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "</script><script>alert(1)" not in html
    items = json_ld(html)
    assert [item["@type"] for item in items] == ["Claim"]
    assert items[0]["text"] == claim.summary
    assert items[0]["appearance"][0]["headline"] == claim.citations.first().report.title
    claim_set_verdict(claim=claim, verdict="confirmed", rationale="Seen on video.", verdict_on=date(2021, 9, 5))
    items = json_ld(client.get(f"/claims/{claim.pk}/").content.decode())
    review = items[1]
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == claim.summary
    assert review["reviewRating"]["alternateName"] == "Confirmed"
    assert review["reviewRating"]["ratingValue"] == 5
    assert review["datePublished"] == "2021-09-05"


def test_detail_runs_the_same_queries_for_one_or_many_relations(client, db, django_assert_max_num_queries):
    claim = ClaimFactory()
    RelationFactory(target=claim, stance="denies")
    one = queries_for(client, f"/claims/{claim.pk}/")
    for _ in range(8):
        RelationFactory(target=claim, stance="denies")
        RelationFactory(claim=claim, stance="supports")
    assert queries_for(client, f"/claims/{claim.pk}/") == one
    with django_assert_max_num_queries(13):  # 12, and one for the flag history
        client.get(f"/claims/{claim.pk}/?as_of=2021-09-30")
