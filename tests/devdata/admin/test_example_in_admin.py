"""The Panjshir example as an editor sees it in the admin: flags, reasons and relations readable."""

import pytest
from django.urls import reverse
from django.utils.html import escape


@pytest.mark.django_db
def test_every_example_claim_page_shows_its_status_and_reasons(editor_client, panjshir):
    for claim in panjshir.values():
        response = editor_client.get(reverse("admin:claims_claim_change", args=[claim.pk]))
        assert response.status_code == 200
        html = response.content.decode()
        assert f"fw-status-{claim.status}" in html
        for reason in claim.reasons:
            assert escape(reason["text"]) in html


@pytest.mark.django_db
def test_the_claim_list_filters_contested_claims(editor_client, panjshir):
    response = editor_client.get(reverse("admin:claims_claim_changelist"), {"contested__exact": "1"})

    assert response.status_code == 200
    shown = set(response.context["cl"].result_list)
    assert shown and all(claim.contested for claim in shown)
    assert {c for c in panjshir.values() if c.contested} == shown

    searched = editor_client.get(reverse("admin:claims_claim_changelist"), {"q": "Taliban"})
    assert searched.status_code == 200 and searched.context["cl"].result_count >= 1
