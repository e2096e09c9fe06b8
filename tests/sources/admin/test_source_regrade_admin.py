"""A source regraded in the admin regrades the claims citing it (the admin writes through the service)."""

import pytest
from django.urls import reverse

from claims.models import Claim
from tests.factories import ClaimFactory, ReportFactory, SourceFactory
from tests.support.admin import form_errors

pytestmark = pytest.mark.django_db


def source_form(source, **changes):
    data = {
        "name": source.name,
        "slug": source.slug,
        "kind": source.kind,
        "reliability": source.reliability,
        "actor": "",
        "homepage": source.homepage,
        "country": source.country,
        "description": source.description,
        "feeds-TOTAL_FORMS": "0",
        "feeds-INITIAL_FORMS": "0",
        "feeds-MIN_NUM_FORMS": "0",
        "feeds-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_regrading_a_source_in_the_admin_regrades_its_claims(editor_client):
    source = SourceFactory(name="Ariana News", reliability="D")
    claim = ClaimFactory(citations=[{"report": ReportFactory(source=source)}])
    other = ClaimFactory()  # cited by another source (B): untouched
    assert (Claim.objects.get(pk=claim.pk).grade, Claim.objects.get(pk=other.pk).grade) == ("D3", "B3")

    url = reverse("admin:sources_source_change", args=[source.pk])
    response = editor_client.post(url, source_form(source, reliability="A"))

    assert response.status_code == 302, form_errors(response)
    assert Claim.objects.get(pk=claim.pk).grade == "A3"
    assert Claim.objects.get(pk=other.pk).grade == "B3"
    page = editor_client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "A: best source Ariana News, completely reliable" in page
