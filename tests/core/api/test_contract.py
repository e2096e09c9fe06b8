"""One API contract, run over every resource: list, retrieve, create, update, partial update,
delete, 400 on bad input with nothing written, 401 anonymous, 403 without permission, 409 on a
referenced delete."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.db import models

from actors.models import Actor
from claims.models import Claim, Conflict, Relation
from locations.models import Location
from sources.models import Report, Source
from tests.factories import (
    ActorFactory,
    ConflictFactory,
    LocationFactory,
    RelationFactory,
    ReportFactory,
    SourceFactory,
)

World = Any
Maker = Callable[[World, Callable], models.Model]
Payload = Callable[[World, Callable], dict[str, Any]]


@dataclass(frozen=True)
class Resource:
    path: str
    model: type[models.Model]
    make: Maker  # an existing object
    create: Payload  # a valid POST body
    created: dict[str, Any]  # fields the created object must have (read back from the database)
    update: Payload  # a valid PUT body (for the object made by ``make``)
    updated: dict[str, Any]
    patch: dict[str, Any]  # a valid PATCH body (field: value, checked on the object)
    bad: Payload  # an invalid POST body
    bad_field: str  # the field the 400 must name
    referenced: Maker | None  # an object another record still references (delete → 409)
    self_link: str = "url"
    nested: tuple[str, ...] = ()  # related fields read as {id, slug, name}


def _claim_payload(world, make_claim, **extra):
    return {
        "claimant": world.taliban.pk,
        "spokesperson": world.mujahid.pk,
        "claimed_on": "2021-09-02",
        "kind": "control",
        "summary": "The Taliban took Shattal.",
        "subject": world.taliban.pk,
        "location": world.shattal.pk,
        "event_start": "2021-09-01",
        "citations": [{"report": world.report.pk, "quote": "we took Shattal"}],
        **extra,
    }


RESOURCES = [
    Resource(
        path="actors",
        model=Actor,
        make=lambda w, m: ActorFactory(name="Haqqani network", parent=w.taliban),
        create=lambda w, m: {"name": "Red Unit", "kind": "armed_group", "parent": w.taliban.pk, "aliases": ["RU"]},
        created={"name": "Red Unit", "slug": "red-unit", "kind": "armed_group", "aliases": ["RU"]},
        update=lambda w, m: {"name": "Haqqanis", "slug": "haqqanis", "kind": "militia", "parent": None},
        updated={"name": "Haqqanis", "slug": "haqqanis", "kind": "militia", "parent_id": None},
        patch={"description": "A network allied to the Taliban."},
        bad=lambda w, m: {"name": "Somebody", "kind": "dragon", "parent": 987654321},
        bad_field="kind",
        referenced=lambda w, m: m(w.taliban).claimant,
        nested=("parent", "bloc"),
    ),
    Resource(
        path="locations",
        model=Location,
        make=lambda w, m: LocationFactory(name="Bazarak", parent=w.panjshir),
        create=lambda w, m: {"name": "Rukha", "kind": "district", "parent": w.panjshir.pk, "latitude": 35.3},
        created={"name": "Rukha", "slug": "rukha", "kind": "district", "latitude": 35.3},
        update=lambda w, m: {"name": "Bazarak town", "kind": "town", "longitude": 69.5, "aliases": ["Bazorak"]},
        updated={"name": "Bazarak town", "kind": "town", "longitude": 69.5, "aliases": ["Bazorak"]},
        patch={"latitude": -12.5},
        bad=lambda w, m: {"name": "Nowhere", "latitude": 123},
        bad_field="latitude",
        referenced=lambda w, m: m(w.taliban, kind="control", subject=w.taliban, location=w.shattal).location,
        nested=("parent",),
    ),
    Resource(
        path="sources",
        model=Source,
        make=lambda w, m: SourceFactory(name="Tolo News"),
        create=lambda w, m: {"name": "Al Jazeera", "kind": "independent_media", "reliability": "B"},
        created={"name": "Al Jazeera", "slug": "al-jazeera", "reliability": "B"},
        update=lambda w, m: {"name": "TOLOnews", "kind": "independent_media", "reliability": "C", "actor": None},
        updated={"name": "TOLOnews", "reliability": "C"},
        patch={"country": "Afghanistan"},
        bad=lambda w, m: {"name": "Rumour mill", "reliability": "Z"},
        bad_field="reliability",
        referenced=lambda w, m: w.source,
    ),
    Resource(
        path="reports",
        model=Report,
        make=lambda w, m: ReportFactory(source=w.source, title="A second report"),
        create=lambda w, m: {"source": w.source.pk, "title": "Fighting in Panjshir", "url": "https://rt.example/1"},
        created={"title": "Fighting in Panjshir", "url": "https://rt.example/1"},
        update=lambda w, m: {"source": w.source.pk, "title": "Retitled", "language": "en"},
        updated={"title": "Retitled", "language": "en"},
        patch={"author": "A. Writer"},
        bad=lambda w, m: {"source": 987654321, "title": "Orphan"},
        bad_field="source",
        referenced=lambda w, m: m(w.taliban).citations.get().report,
        self_link="api_url",
        nested=("source",),
    ),
    Resource(
        path="claims",
        model=Claim,
        make=lambda w, m: m(w.taliban, summary="The Taliban hold the road."),
        create=_claim_payload,
        created={"summary": "The Taliban took Shattal.", "kind": "control", "status": "unverified"},
        update=lambda w, m: _claim_payload(w, m, summary="The Taliban took Shattal and the pass.", kind="advance"),
        updated={"summary": "The Taliban took Shattal and the pass.", "kind": "advance"},
        patch={"quote": "We took it."},
        bad=lambda w, m: _claim_payload(w, m, claimed_on="2999-01-01"),
        bad_field="claimed_on",
        referenced=lambda w, m: RelationFactory(claim=m(w.nrf), target=m(w.taliban), stance="denies").target,
        nested=("claimant", "spokesperson", "subject", "location"),
    ),
    Resource(
        path="relations",
        model=Relation,
        make=lambda w, m: RelationFactory(claim=m(w.nrf, day=3), target=m(w.taliban), stance="denies"),
        create=lambda w, m: {"claim": m(w.nrf, day=3).pk, "target": m(w.taliban).pk, "stance": "denies"},
        created={"stance": "denies", "origin": "editor"},
        update=lambda w, m: {"claim": m(w.nrf, day=4).pk, "target": m(w.taliban).pk, "stance": "contradicts"},
        updated={"stance": "contradicts"},
        patch={"note": "They did not advance even a kilometer."},
        bad=lambda w, m: (lambda c: {"claim": c.pk, "target": c.pk, "stance": "denies"})(m(w.nrf)),
        bad_field="target",
        referenced=None,  # nothing references a relation
    ),
    Resource(
        path="conflicts",
        model=Conflict,
        make=lambda w, m: ConflictFactory(name="Panjshir 2021", places=[w.panjshir], parties=[w.taliban]),
        create=lambda w, m: {
            "name": "Parwan fighting",
            "start": "2021-08-20",
            "places": [w.parwan.pk],
            "parties": [w.taliban.pk, w.resistance.pk],
        },
        created={"name": "Parwan fighting", "slug": "parwan-fighting", "start": date(2021, 8, 20), "end": None},
        update=lambda w, m: {
            "name": "Panjshir campaign",
            "slug": "panjshir-campaign",
            "start": "2021-08-16",
            "end": "2021-09-30",
            "places": [w.shattal.pk],
        },
        updated={"name": "Panjshir campaign", "slug": "panjshir-campaign", "end": date(2021, 9, 30)},
        patch={"description": "The fight for the valley."},
        bad=lambda w, m: {"name": "Backwards", "start": "2021-09-01", "end": "2021-08-01"},
        bad_field="end",
        referenced=None,  # nothing references a conflict: which claims belong is computed
    ),
]


@pytest.fixture(params=RESOURCES, ids=[r.path for r in RESOURCES])
def resource(request):
    return request.param


def url(resource: Resource, pk: int | None = None) -> str:
    return f"/api/v1/{resource.path}/" + (f"{pk}/" if pk is not None else "")


def assert_has(obj: models.Model, expected: dict[str, Any]) -> None:
    obj.refresh_from_db()
    for name, value in expected.items():
        assert getattr(obj, name) == value, name


def test_list_is_paginated_with_self_links(resource, world, make_claim, api):
    obj = resource.make(world, make_claim)
    response = api.get(url(resource))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == resource.model.objects.count()
    row = next(r for r in body["results"] if r["id"] == obj.pk)
    assert row[resource.self_link].endswith(url(resource, obj.pk))


def test_retrieve_shows_related_objects_nested(resource, world, make_claim, api):
    obj = resource.make(world, make_claim)
    response = api.get(url(resource, obj.pk))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == obj.pk
    for name in resource.nested:
        if body[name] is not None:
            assert set(body[name]) == {"id", "slug", "name"}, name


def test_retrieve_unknown_id_is_404(resource, world, api):
    assert api.get(url(resource, 987654321)).status_code == 404
    assert api.get(url(resource, 10**30)).status_code == 404


def test_create(resource, world, make_claim, editor_api):
    response = editor_api.post(url(resource), resource.create(world, make_claim), format="json")
    assert response.status_code == 201, response.json()
    obj = resource.model.objects.get(pk=response.json()["id"])
    assert_has(obj, resource.created)
    assert response.json()[resource.self_link].endswith(url(resource, obj.pk))
    assert response.headers["Location"] == response.json()[resource.self_link]


def test_update(resource, world, make_claim, editor_api):
    obj = resource.make(world, make_claim)
    response = editor_api.put(url(resource, obj.pk), resource.update(world, make_claim), format="json")
    assert response.status_code == 200, response.json()
    assert_has(obj, resource.updated)


def test_partial_update(resource, world, make_claim, editor_api):
    obj = resource.make(world, make_claim)
    response = editor_api.patch(url(resource, obj.pk), resource.patch, format="json")
    assert response.status_code == 200, response.json()
    assert_has(obj, resource.patch)
    for name, value in resource.patch.items():
        assert response.json()[name] == value


def test_delete(resource, world, make_claim, editor_api):
    obj = resource.make(world, make_claim)
    response = editor_api.delete(url(resource, obj.pk))
    assert response.status_code == 204
    assert not resource.model.objects.filter(pk=obj.pk).exists()


def test_bad_input_is_400_naming_the_field_and_writes_nothing(resource, world, make_claim, editor_api):
    payload = resource.bad(world, make_claim)
    before = resource.model.objects.count()
    response = editor_api.post(url(resource), payload, format="json")
    assert response.status_code == 400
    assert resource.bad_field in response.json()
    assert resource.model.objects.count() == before


def test_malformed_json_is_400(resource, world, editor_api):
    before = resource.model.objects.count()
    response = editor_api.generic("POST", url(resource), "{not json", content_type="application/json")
    assert response.status_code == 400
    response = editor_api.post(url(resource), [1, 2, 3], format="json")
    assert response.status_code == 400
    assert resource.model.objects.count() == before


def test_anonymous_write_is_401(resource, world, make_claim, api):
    before = resource.model.objects.count()
    response = api.post(url(resource), resource.create(world, make_claim), format="json")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Token")
    assert resource.model.objects.count() == before
    obj = resource.make(world, make_claim)
    assert api.delete(url(resource, obj.pk)).status_code == 401
    assert resource.model.objects.filter(pk=obj.pk).exists()


def test_write_without_permission_is_403(resource, world, make_claim, analyst_api):
    before = resource.model.objects.count()
    response = analyst_api.post(url(resource), resource.create(world, make_claim), format="json")
    assert response.status_code == 403
    assert resource.model.objects.count() == before
    obj = resource.make(world, make_claim)
    assert analyst_api.patch(url(resource, obj.pk), resource.patch, format="json").status_code == 403
    assert analyst_api.delete(url(resource, obj.pk)).status_code == 403
    assert resource.model.objects.filter(pk=obj.pk).exists()


REFERENCEABLE = [r for r in RESOURCES if r.referenced is not None]  # nothing references a relation


@pytest.mark.parametrize("referenced", REFERENCEABLE, ids=[r.path for r in REFERENCEABLE])
def test_referenced_delete_is_409_naming_the_dependents(referenced, world, make_claim, editor_api):
    resource = referenced
    obj = resource.referenced(world, make_claim)
    response = editor_api.delete(url(resource, obj.pk))
    assert response.status_code == 409
    body = response.json()
    assert str(obj) in body["detail"]
    assert body["referenced_by"], body
    assert {"type", "id", "name"} <= set(body["referenced_by"][0])
    assert resource.model.objects.filter(pk=obj.pk).exists()


def test_reads_can_be_closed_to_anonymous_users(resource, world, make_claim, api, analyst_api, settings):
    settings.FOGWATCH_PUBLIC_READ = False
    assert api.get(url(resource)).status_code == 401
    assert analyst_api.get(url(resource)).status_code == 200
