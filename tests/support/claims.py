"""A small world for the claims service tests: three blocs, two places, one report."""

from datetime import date
from types import SimpleNamespace

import pytest

from claims.models import Claim
from tests.factories import ActorFactory, ClaimFactory, LocationFactory, ReportFactory


@pytest.fixture
def world(db):
    taliban = ActorFactory(name="Taliban")
    resistance = ActorFactory(name="Afghan resistance", kind="coalition")
    nrf = ActorFactory(name="National Resistance Front", parent=resistance)
    return SimpleNamespace(
        taliban=taliban,
        mujahid=ActorFactory(name="Zabihullah Mujahid", kind="person", parent=taliban),
        resistance=resistance,
        nrf=nrf,
        dashti=ActorFactory(name="Fahim Dashti", kind="person", parent=nrf),
        republic=ActorFactory(name="Islamic Republic of Afghanistan", kind="government", parent=resistance),
        reuters=ActorFactory(name="Reuters", kind="media"),
        shattal=LocationFactory(name="Shattal"),
        panjshir=LocationFactory(name="Panjshir", kind="province"),
        report=ReportFactory(),
    )


@pytest.fixture
def make_claim(world):
    """A claim through the services, cited from the world's report; day is in September 2021."""

    def make(claimant, day: int = 2, **fields) -> Claim:
        fields.setdefault("citations", [{"report": world.report}])
        return ClaimFactory(claimant=claimant, claimed_on=date(2021, 9, day), **fields)

    return make
