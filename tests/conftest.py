"""Shared fixtures: personas (editor, analyst, anonymous) and the Panjshir example."""

import importlib

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from rest_framework.test import APIClient

from devdata.examples import load_panjshir_2021


def _create_editors_group() -> None:
    editors = importlib.import_module("claims.migrations.0002_editors_group")
    editors.create_editors(MigrationLoader(connection).project_state().apps, None)


@pytest.fixture(autouse=True)
def _migration_data(request):
    """A transactional test ends by emptying every table, the editors group a data migration made
    included: before each database test, put it back if an earlier test removed it."""
    if request.node.get_closest_marker("django_db") is not None and not Group.objects.filter(name="editors").exists():
        _create_editors_group()


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
