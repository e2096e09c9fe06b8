"""Filters of the other resources, and the claim FilterSet used on its own (as the HTML list does)."""

from datetime import date

from django.http import QueryDict

from claims.as_of import claims_as_of
from claims.filters import ClaimFilter
from claims.selectors import claim_list
from claims.services import relation_create
from tests.factories import ReportFactory, SourceFactory


def ids(response):
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def test_actor_filters(world, api):
    assert ids(api.get("/api/v1/actors/", {"kind": "person"})) == {world.mujahid.pk, world.dashti.pk}
    assert ids(api.get("/api/v1/actors/", {"parent": "nrf"})) == {world.dashti.pk}
    assert ids(api.get("/api/v1/actors/", {"within": "afghan-resistance"})) == {
        world.resistance.pk,
        world.nrf.pk,
        world.dashti.pk,
    }
    assert ids(api.get("/api/v1/actors/", {"bloc": "afghan-resistance", "kind": "person"})) == {world.dashti.pk}
    assert ids(api.get("/api/v1/actors/", {"q": "zabihullah"})) == {world.mujahid.pk}
    assert ids(api.get("/api/v1/actors/", {"slug": "nrf"})) == {world.nrf.pk}
    assert ids(api.get("/api/v1/actors/", {"slug": "nr"})) == set()  # a slug is exact
    roots = {world.taliban.pk, world.resistance.pk, world.reuters.pk}
    assert ids(api.get("/api/v1/actors/", {"root": "true"})) == roots
    for param, value in (("kind", "dragon"), ("parent", "nobody"), ("root", "perhaps"), ("ordering", "slug")):
        response = api.get("/api/v1/actors/", {param: value})
        assert response.status_code == 400 and param in response.json()


def test_location_filters(world, api):
    assert ids(api.get("/api/v1/locations/", {"kind": "province"})) == {world.parwan.pk, world.panjshir.pk}
    assert ids(api.get("/api/v1/locations/", {"parent": "parwan"})) == {world.shattal.pk}
    assert ids(api.get("/api/v1/locations/", {"within": "parwan"})) == {world.parwan.pk, world.shattal.pk}
    assert ids(api.get("/api/v1/locations/", {"q": "shatt"})) == {world.shattal.pk}
    assert ids(api.get("/api/v1/locations/", {"slug": world.shattal.slug})) == {world.shattal.pk}
    assert api.get("/api/v1/locations/", {"kind": "planet"}).status_code == 400


def test_source_and_report_filters(world, api):
    wire = SourceFactory(name="Reuters", slug="reuters-wire", kind="wire", reliability="A", actor=world.reuters)
    report = ReportFactory(source=wire, title="Eight killed", url="https://wire.example/eight")
    assert ids(api.get("/api/v1/sources/", {"kind": "wire"})) == {wire.pk}
    assert ids(api.get("/api/v1/sources/", {"reliability": "A"})) == {wire.pk}
    assert ids(api.get("/api/v1/sources/", {"reliability": "A,B"})) == {wire.pk, world.source.pk}
    assert ids(api.get("/api/v1/sources/", {"actor": "reuters"})) == {wire.pk}
    assert ids(api.get("/api/v1/sources/", {"q": "rt"})) == {world.source.pk}
    assert ids(api.get("/api/v1/sources/", {"slug": "reuters-wire"})) == {wire.pk}
    assert api.get("/api/v1/sources/", {"reliability": "Z"}).status_code == 400
    assert ids(api.get("/api/v1/reports/", {"source": "reuters-wire"})) == {report.pk}
    assert ids(api.get("/api/v1/reports/", {"q": "eight"})) == {report.pk}
    assert api.get("/api/v1/reports/", {"published_after": "soon"}).status_code == 400


def test_relation_filters(world, make_claim, api):
    target = make_claim(world.taliban)
    denial = make_claim(world.nrf, day=3)
    support = make_claim(world.reuters, day=3)
    denies = relation_create(claim=denial, target=target, stance="denies")
    supports = relation_create(claim=support, target=target, stance="supports")
    assert ids(api.get("/api/v1/relations/", {"target": target.pk})) == {denies.pk, supports.pk}
    assert ids(api.get("/api/v1/relations/", {"involving": denial.pk})) == {denies.pk}
    assert ids(api.get("/api/v1/relations/", {"stance": "supports,retracts"})) == {supports.pk}
    assert ids(api.get("/api/v1/relations/", {"origin": "editor"})) == {denies.pk, supports.pk}
    assert api.get("/api/v1/relations/", {"stance": "likes"}).status_code == 400


def test_claim_filterset_works_on_its_own_with_a_form(world, make_claim):
    capture = make_claim(world.taliban, day=2)
    denial = make_claim(world.nrf, day=3)
    relation_create(claim=denial, target=capture, stance="denies")

    # A form's checkboxes send repeated values; the API sends them comma-separated: both work.
    repeated = ClaimFilter(QueryDict("status=contested&status=corroborated"), queryset=claim_list())
    assert repeated.is_valid() and set(repeated.qs) == {capture}
    assert 'name="status"' in repeated.form.as_p()

    bad = ClaimFilter(QueryDict("status=bogus&claimant=no%25body"), queryset=claim_list())
    assert not bad.is_valid()
    assert set(bad.errors) == {"status", "claimant"}
    assert bad.errors["claimant"] == ["No actor with the id or slug “no%body”."]

    as_of = ClaimFilter(QueryDict("as_of=2021-09-02"), queryset=claim_list())
    assert as_of.is_valid()
    rows = claims_as_of(as_of.qs, as_of.as_of, as_of.as_of_flags)
    assert [(c.pk, c.status) for c in rows] == [(capture.pk, "unverified")]
    capture.refresh_from_db()
    assert capture.status == "contested"  # the stored flags are untouched


def test_claims_as_of_leaves_out_claims_made_later(world, make_claim):
    early, late = make_claim(world.taliban, day=1), make_claim(world.taliban, day=5)
    assert [c.pk for c in claims_as_of([early, late], date(2021, 9, 2))] == [early.pk]
    assert claims_as_of([early, late], None) == [early, late]


def test_empty_entries_in_ordering_are_ignored_not_a_server_error(world, api):
    """``ordering=,`` (found by the schema fuzzer: a 500) reads as no ordering; ``name,`` as ``name``."""

    def order(path, value):
        response = api.get(path, {"ordering": value})
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    for path, field in (
        ("/api/v1/actors/", "name"),
        ("/api/v1/locations/", "name"),
        ("/api/v1/sources/", "name"),
        ("/api/v1/claims/", "claimed_on"),
    ):
        assert order(path, ",") == order(path, "")
        assert order(path, f",{field},") == order(path, field)
        assert order(path, f"-{field},") == order(path, f"-{field}")
