"""Fixtures of the page tests: plain static storage (no collectstatic in tests) and claim builders."""

import pytest

from tests.factories import ClaimFactory, LocationFactory, ReportFactory


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """The manifest storage needs ``collectstatic``; tests serve static files straight from the finders."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def make_claims(db):
    """``make_claims(n, **fields)``: n claims, each with its own claimant and report."""

    def make(n: int, **fields):
        return [ClaimFactory(**fields) for _ in range(n)]

    return make


@pytest.fixture
def place(db):
    return LocationFactory(name="Testville", slug="testville", latitude=35.0, longitude=69.0)


@pytest.fixture
def report(db):
    return ReportFactory(title="A report")
