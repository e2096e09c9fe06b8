"""A small world for the admin tests, and helpers that post admin forms as a browser would."""

from datetime import date
from types import SimpleNamespace

import pytest

from tests.factories import ActorFactory, LocationFactory, ReportFactory

INLINE_PREFIXES = ("citations", "relations_made", "relations_received")


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    """Admin pages render without ``collectstatic`` having built the production manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


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
        shattal=LocationFactory(name="Shattal"),
        report=ReportFactory(title="Taliban say they entered Panjshir"),
        other_report=ReportFactory(title="NRF denies any advance"),
    )


@pytest.fixture
def editor_client(client, editor):
    """An editor signed into the admin: staff (the admin's door) with the editors group's permissions."""
    editor.is_staff = True
    editor.save(update_fields=["is_staff"])
    client.force_login(editor)
    return client


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


def claim_form_data(*, citations=(), initial_citations=(), **fields):
    """POST data for the claim add/change form: the claim's fields and the inline management forms.

    ``citations`` are new rows ``(report, quote)``; ``initial_citations`` existing rows
    ``(citation, delete)``.
    """
    data = {
        "claimant": "",
        "spokesperson": "",
        "claimed_on": "2021-09-02",
        "kind": "statement",
        "summary": "",
        "quote": "",
        "language": "",
        "subject": "",
        "location": "",
        "location_precision": "",
        "event_start": "",
        "event_end": "",
        "date_precision": "day",
        "count_min": "",
        "count_max": "",
        "verdict": "",
        "verdict_rationale": "",
        "verdict_on": "",
        "external_id": "",
    }
    for name, value in fields.items():
        if hasattr(value, "pk"):
            value = value.pk
        elif isinstance(value, date):
            value = value.isoformat()
        data[name] = "" if value is None else str(value)
    for prefix in INLINE_PREFIXES:
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
    rows = [(c.pk, c.report_id, c.quote, delete) for c, delete in initial_citations]
    rows += [(None, report.pk, quote, False) for report, quote in citations]
    for i, (pk, report_id, quote, delete) in enumerate(rows):
        data[f"citations-{i}-id"] = "" if pk is None else str(pk)
        data[f"citations-{i}-report"] = str(report_id)
        data[f"citations-{i}-quote"] = quote
        if delete:
            data[f"citations-{i}-DELETE"] = "on"
    data["citations-TOTAL_FORMS"] = str(len(rows))
    data["citations-INITIAL_FORMS"] = str(len(initial_citations))
    return data


def form_errors(response):
    """Every error the admin page shows: the form's fields, its top, and each inline formset."""
    context = response.context
    errors = {}
    if context is None or "adminform" not in context:
        return errors
    form = context["adminform"].form
    errors.update({name: list(messages) for name, messages in form.errors.items()})
    for inline in context.get("inline_admin_formsets", []):
        formset = inline.formset
        if formset.non_form_errors():
            errors[formset.prefix] = list(formset.non_form_errors())
    return errors
