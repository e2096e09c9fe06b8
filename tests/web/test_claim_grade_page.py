"""The Admiralty grade on the pages: the claim page's badge and its explanation, the list's column
and its filters."""

import re

import pytest

pytestmark = pytest.mark.django_db


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_claim_page_shows_the_grade_and_why(client, panjshir):
    shattal = panjshir["taliban-shattal"]
    html = client.get(f"/claims/{shattal.pk}/").content.decode()
    assert 'class="claim-grade grade-C"' in html
    words = text(html)
    assert "Grade: C4" in words
    assert (
        "C: best source RT, fairly reliable; 4: doubtful (Denied by National Resistance Front (Fahim Dashti) "
        "on 2021-09-03)." in words
    )


def test_claim_page_grade_as_of_a_date(client, panjshir):
    shattal = panjshir["taliban-shattal"]
    words = text(client.get(f"/claims/{shattal.pk}/", {"as_of": "2021-09-02"}).content.decode())
    assert "Grade as of 2 Sep 2021: C3" in words
    assert "3: possibly true (No claim by an actor independent of Taliban supports it)" in words


def test_reuters_claim_takes_the_letter_of_its_best_source(client, panjshir):
    words = text(client.get(f"/claims/{panjshir['reuters-eight-killed'].pk}/").content.decode())
    assert "Grade: B3" in words and "B: best source Reuters, usually reliable" in words


def test_list_has_a_grade_column_and_filters(client, panjshir):
    html = client.get("/claims/", {"grade": "C4"}).content.decode()
    assert '<th scope="col">Grade</th>' in html
    shown = set(re.findall(r'<td class="claim-cell">\s*<a href="/claims/(\d+)/">', html))
    assert shown == {str(panjshir[k].pk) for k in ("taliban-capture", "taliban-shattal", "nrf-passes")}
    assert html.count('class="claim-grade grade-C"') == 3

    html = client.get("/claims/", {"credibility_max": "3", "as_of": "2021-09-02"}).content.decode()
    shown = set(re.findall(r'<td class="claim-cell">\s*<a href="/claims/(\d+)/\?as_of=2021-09-02">', html))
    assert str(panjshir["taliban-shattal"].pk) in shown  # not yet denied on the 2nd: C3


@pytest.mark.parametrize(
    ("params", "label"),
    [({"grade": "X9"}, "Grade"), ({"credibility_max": "9"}, "Credibility at most")],
    ids=["grade", "credibility"],
)
def test_a_bad_grade_filter_is_a_form_error(client, panjshir, params, label):
    response = client.get("/claims/", params)
    assert response.status_code == 400
    html = response.content.decode()
    assert label in html and 'aria-invalid="true"' in html
