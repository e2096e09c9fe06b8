"""A small world for the API tests: two blocs, a place tree, a source and its report."""

from datetime import date
from types import SimpleNamespace

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import ActorFactory, ClaimFactory, LocationFactory, ReportFactory, SourceFactory


@pytest.fixture
def world(db):
    taliban = ActorFactory(name="Taliban", slug="taliban")
    resistance = ActorFactory(name="Afghan resistance", slug="afghan-resistance", kind="coalition")
    nrf = ActorFactory(name="National Resistance Front", slug="nrf", parent=resistance)
    afghanistan = LocationFactory(name="Afghanistan", slug="afghanistan", kind="country")
    parwan = LocationFactory(name="Parwan", slug="parwan", kind="province", parent=afghanistan)
    source = SourceFactory(name="RT", slug="rt", kind="state_media")
    return SimpleNamespace(
        taliban=taliban,
        mujahid=ActorFactory(name="Zabihullah Mujahid", kind="person", parent=taliban),
        resistance=resistance,
        nrf=nrf,
        dashti=ActorFactory(name="Fahim Dashti", kind="person", parent=nrf),
        reuters=ActorFactory(name="Reuters", slug="reuters", kind="media"),
        afghanistan=afghanistan,
        parwan=parwan,
        shattal=LocationFactory(name="Shattal", slug="shattal", parent=parwan),
        panjshir=LocationFactory(name="Panjshir", slug="panjshir", kind="province", parent=afghanistan),
        source=source,
        report=ReportFactory(source=source, title="Taliban claim Panjshir positions"),
    )


@pytest.fixture
def make_claim(world):
    """A claim through the services, cited from the world's report; ``day`` is in September 2021."""

    def make(claimant, day: int = 2, **fields):
        fields.setdefault("citations", [{"report": world.report}])
        return ClaimFactory(claimant=claimant, claimed_on=date(2021, 9, day), **fields)

    return make


@pytest.fixture
def claim_payload(world):
    """A valid body for ``POST /api/v1/claims/``: a statement of the Taliban, cited from the world's report."""
    return {
        "claimant": world.taliban.pk,
        "claimed_on": "2021-09-02",
        "kind": "statement",
        "summary": "The Taliban say the valley is surrounded.",
        "citations": [{"report": world.report.pk}],
    }


@pytest.fixture
def token_api(editor):
    """An editor's client authenticated the way a tool is: with a token header."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=editor).key}")
    return client


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    """The docs and the browsable API link static files; tests run without collectstatic's manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
