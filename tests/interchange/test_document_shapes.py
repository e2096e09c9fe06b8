"""One claim, one document: every outward shape (the API list and detail, CSV, GeoJSON, JSON Lines,
ClaimReview) says what the claim document (claims.documents) says, field for field, on the
Panjshir example and on generated data, now and as of a date."""

import csv
import io
import json
from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from claims.documents import ClaimDocuments
from claims.models import Claim

pytestmark = pytest.mark.django_db

# Columns (or properties) a shape shares with the document, and where the document holds them.
SHARED = {
    "id": ("id",),
    "url": ("url",),
    "claimed_on": ("claimed_on",),
    "kind": ("kind",),
    "summary": ("summary",),
    "claimant_id": ("claimant", "id"),
    "claimant": ("claimant", "name"),
    "subject_id": ("subject", "id"),
    "subject": ("subject", "name"),
    "location_id": ("location", "id"),
    "location": ("location", "name"),
    "location_precision": ("location_precision",),
    "event_start": ("event_start",),
    "event_end": ("event_end",),
    "date_precision": ("date_precision",),
    "count_min": ("count_min",),
    "count_max": ("count_max",),
    "count_unit": ("count_unit",),
    "status": ("status",),
    "contested": ("contested",),
    "corroborated": ("corroborated",),
    "unverified": ("unverified",),
    "verdict": ("verdict",),
}
CSV_ONLY = {"quote": ("quote",), "language": ("language",), "verdict_on": ("verdict_on",)}


def text(value) -> str:
    """A value as the flat formats write it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def at(doc: dict, path: tuple[str, ...]):
    value = doc
    for key in path:
        if value is None:
            return None
        value = value[key]
    return value


def documents(as_of: date | None = None) -> dict[int, dict]:
    request = Request(APIRequestFactory().get("/", HTTP_HOST="testserver"))
    ids = list(Claim.objects.filter(**({"claimed_on__lte": as_of} if as_of else {})).values_list("pk", flat=True))
    return {doc["id"]: doc for doc in ClaimDocuments(request, extra=True).for_ids(ids, as_of=as_of)}


@pytest.fixture(params=["panjshir", "generated"])
def dataset(request):
    if request.param == "panjshir":
        request.getfixturevalue("panjshir")
    else:
        call_command("generate_data", claims=300, seed=5, stdout=io.StringIO())
    assert Claim.objects.exists()
    return request.param


def as_of_dates() -> list[date | None]:
    days = sorted(Claim.objects.values_list("claimed_on", flat=True))
    return [None, days[len(days) // 2]]


def query(as_of: date | None) -> str:
    return f"?as_of={as_of.isoformat()}" if as_of else ""


def test_the_api_list_and_detail_are_the_document(api, dataset):
    for as_of in as_of_dates():
        docs = documents(as_of)
        listed = api.get(f"/api/v1/claims/{query(as_of)}&page_size=500" if as_of else "/api/v1/claims/?page_size=500")
        assert listed.status_code == 200
        results = listed.json()["results"]
        assert {row["id"] for row in results} == set(docs)
        for row in results:
            expected = {k: v for k, v in docs[row["id"]].items() if k != "extra"}
            expected["citations"] = [{k: v for k, v in c.items() if k != "extra"} for c in expected["citations"]]
            assert row == json.loads(JSONRenderer().render(expected)), f"claim #{row['id']} as of {as_of}"
        some = results[0]["id"]
        detail = api.get(f"/api/v1/claims/{some}/{query(as_of)}").json()
        assert detail == next(row for row in results if row["id"] == some)


def test_every_csv_row_says_what_the_document_says(api, dataset):
    for as_of in as_of_dates():
        docs = documents(as_of)
        response = api.get(f"/api/v1/claims/export.csv{query(as_of)}")
        rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
        assert {int(row["id"]) for row in rows} == set(docs)
        for row in rows:
            doc = docs[int(row["id"])]
            for column, path in {**SHARED, **CSV_ONLY}.items():
                assert row[column].removeprefix("'") == text(at(doc, path)), f"#{doc['id']} {column}"
            assert row["claimant_bloc"] == text(at(doc, ("extra", "claimant_bloc", "name")))
            assert row["reasons"] == " | ".join(r["text"] for r in doc["reasons"])
            assert row["reason_codes"] == " ".join(r["code"] for r in doc["reasons"])
            assert row["report_ids"] == " ".join(str(c["report"]["id"]) for c in doc["citations"])
            assert row["created_at"] == text(doc["created_at"]) and row["updated_at"] == text(doc["updated_at"])


def test_every_json_lines_record_says_what_the_document_says(api, dataset):
    for as_of in as_of_dates():
        docs = documents(as_of)
        response = api.get(f"/api/v1/claims/export.jsonl{query(as_of)}")
        records = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
        assert {record["id"] for record in records} == set(docs)
        for record in records:
            doc = docs[record["id"]]
            for name in ("id", "url", "kind", "summary", "quote", "status", "contested", "verdict", "count_min"):
                assert record[name] == doc[name]
            for name in ("claimed_on", "event_start", "event_end", "verdict_on", "created_at", "updated_at"):
                assert (record[name] or "") == text(doc[name])
            for name in ("claimant", "spokesperson", "subject"):
                assert record[name] == doc[name]
            assert record["reasons"] == doc["reasons"]
            assert [c["report"]["id"] for c in record["citations"]] == [c["report"]["id"] for c in doc["citations"]]
            assert [c["quote"] for c in record["citations"]] == [c["quote"] for c in doc["citations"]]
            if doc["location"]:
                assert record["location"]["name"] == doc["location"]["name"]
                assert record["location"]["latitude"] == doc["extra"]["latitude"]
            assert record.get("as_of") == (as_of.isoformat() if as_of else None)


def test_every_geojson_feature_says_what_the_document_says(api, dataset):
    docs = documents()
    response = api.get("/api/v1/claims/export.geojson")
    features = json.loads(b"".join(response.streaming_content))["features"]
    placed = {pk for pk, doc in docs.items() if doc["location"] and doc["extra"]["latitude"] is not None}
    assert {f["id"] for f in features} == placed and placed
    for feature in features:
        doc = docs[feature["id"]]
        assert feature["geometry"]["coordinates"] == [doc["extra"]["longitude"], doc["extra"]["latitude"]]
        for prop, path in SHARED.items():
            assert text(feature["properties"][prop]) == text(at(doc, path)), f"#{doc['id']} {prop}"
        assert feature["properties"]["reasons"] == doc["reasons"]


def test_every_claim_review_says_what_the_document_says(api, dataset):
    docs = documents()
    judged = {pk: doc for pk, doc in docs.items() if doc["verdict"]}
    if not judged:  # the example has no verdict: give one, as an editor would
        from claims.services import claim_set_verdict

        claim = Claim.objects.order_by("pk").first()
        claim_set_verdict(claim=claim, verdict="likely", rationale="Two wires agree.", verdict_on=claim.claimed_on)
        docs = documents()
        judged = {pk: doc for pk, doc in docs.items() if doc["verdict"]}
    feed = json.loads(api.get("/api/v1/claims/claimreview/").content)
    reviews = {int(e["item"][0]["url"].rstrip("/").rsplit("/", 1)[1]): e["item"][0] for e in feed["dataFeedElement"]}
    assert set(reviews) == set(docs)  # every claim, rated or not
    for pk, review in reviews.items():
        doc = docs[pk]
        assert ("reviewRating" in review) == (pk in judged)
        assert review["claimReviewed"] == doc["summary"]
        assert review.get("reviewBody", "") == doc["verdict_rationale"]
        count = review["itemReviewed"].get("about", {})
        assert (count.get("minValue"), count.get("maxValue"), count.get("unitText", "")) == (
            doc["count_min"],
            doc["count_max"],
            doc["count_unit"],
        )
        assert review["itemReviewed"]["author"]["name"] == doc["claimant"]["name"]
        assert review["itemReviewed"]["datePublished"] == doc["claimed_on"].isoformat()
        assert [w["headline"] for w in review["itemReviewed"]["appearance"]] == [
            c["report"]["title"] for c in doc["citations"]
        ]
        one = json.loads(api.get(f"/api/v1/claims/{pk}/claimreview/").content)
        assert {k: v for k, v in one.items() if k != "@context"} == review
