"""Lists and the control timeline read claims as rows (claims.documents); a claim must look exactly
as ClaimSerializer shows it, field for field and in the same order, whatever the date."""

import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.db.models import Q
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from claims.api.serializers import ClaimSerializer
from claims.as_of import claims_as_of
from claims.documents import ClaimDocuments
from claims.models import Claim
from claims.selectors import claim_detail

pytestmark = pytest.mark.django_db


def drf_request(host: str = "testserver", secure: bool = False) -> Request:
    return Request(APIRequestFactory().get("/api/v1/claims/", HTTP_HOST=host, secure=secure))


def serializer_output(request: Request, ids: list[int], as_of: date | None = None, format: str | None = None) -> str:
    claims = claim_detail().filter(pk__in=ids).order_by("-claimed_on", "-id")
    shown = claims_as_of(claims, as_of)
    context = {"request": request, "format": format}
    return JSONRenderer().render(ClaimSerializer(shown, many=True, context=context).data).decode()


def documents_output(request: Request, ids: list[int], as_of: date | None = None, format: str | None = None) -> str:
    ordered = list(Claim.objects.filter(pk__in=ids).order_by("-claimed_on", "-id").values_list("pk", flat=True))
    return JSONRenderer().render(ClaimDocuments(request, format=format).for_ids(ordered, as_of=as_of)).decode()


def test_panjshir_claims_read_the_same_as_through_the_serializer(panjshir):
    ids = list(Claim.objects.values_list("pk", flat=True))
    request = drf_request()
    expected = serializer_output(request, ids)
    assert json.loads(expected), "the example has claims"
    assert documents_output(request, ids) == expected


@pytest.mark.parametrize("as_of", [date(2021, 8, 20), date(2021, 9, 3), date(2021, 9, 6), date(2021, 9, 30)])
def test_panjshir_claims_as_of_a_date_read_the_same(panjshir, as_of):
    ids = list(Claim.objects.values_list("pk", flat=True))
    request = drf_request()
    expected = serializer_output(request, ids, as_of)
    assert documents_output(request, ids, as_of) == expected
    # Claims made later are left out, and relations from them are hidden.
    shown = json.loads(expected)
    assert all(claim["claimed_on"] <= as_of.isoformat() for claim in shown)
    assert all(claim["as_of"] == as_of.isoformat() for claim in shown)


def test_links_follow_the_host_scheme_and_format(panjshir, settings):
    settings.ALLOWED_HOSTS = ["fogwatch.example.org"]
    ids = list(
        Claim.objects.filter(Q(relations_made__isnull=False) | Q(relations_received__isnull=False))
        .values_list("pk", flat=True)
        .distinct()
    )
    request = drf_request(host="fogwatch.example.org", secure=True)
    expected = serializer_output(request, ids, format="json")
    assert '"https://fogwatch.example.org/api/v1/relations/' in expected
    assert ".json" in expected
    assert documents_output(request, ids, format="json") == expected


def test_generated_claims_read_the_same_as_through_the_serializer():
    call_command("generate_data", claims=400, seed=3, stdout=io.StringIO())
    ids = list(Claim.objects.values_list("pk", flat=True))
    request = drf_request()
    assert documents_output(request, ids) == serializer_output(request, ids)
    middle = sorted(Claim.objects.values_list("claimed_on", flat=True))[200]
    assert documents_output(request, ids, middle) == serializer_output(request, ids, middle)


def test_reading_many_claims_takes_three_queries(panjshir, django_assert_num_queries):
    ids = list(Claim.objects.values_list("pk", flat=True))
    documents = ClaimDocuments(drf_request())
    with django_assert_num_queries(3):  # the claims, their citations, the relations at either end
        shown = documents.for_ids(ids)
    assert len(shown) == len(ids)
