"""Shared fixtures: personas (editor, analyst, anonymous) and the Panjshir example."""

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from devdata.examples import load_panjshir_2021


@pytest.fixture
def editor(django_user_model):
    """In the editors group, and staff: editors work in the admin."""
    user = django_user_model.objects.create_user(username="editor", password="editor-pass-123", is_staff=True)
    user.groups.add(Group.objects.get(name="editors"))
    return user


@pytest.fixture
def analyst(django_user_model):
    """Logged in, no write permission."""
    return django_user_model.objects.create_user(username="analyst", password="analyst-pass-123")


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def editor_api(editor):
    client = APIClient()
    client.force_authenticate(editor)
    return client


@pytest.fixture
def analyst_api(analyst):
    client = APIClient()
    client.force_authenticate(analyst)
    return client


@pytest.fixture
def panjshir(db):
    """The Panjshir example, loaded through the services; claims by their example key."""
    from claims.models import Claim
    from devdata.examples import CLAIMS

    load_panjshir_2021()
    by_summary = {c.summary: c for c in Claim.objects.all()}
    return {spec["key"]: by_summary[spec["summary"]] for spec in CLAIMS}
