"""Every field of every write, given values of the wrong type or out of range: a 201/200 or a 400
naming the field, never a 500."""

import pytest

from tests.core.api.test_contract import RESOURCES, url

ODD_VALUES = [None, "", "x" * 1001, -1, 10**20, 1.5, True, [], {"a": 1}, "²", "nul\x00byte", "2021-02-30"]


@pytest.mark.parametrize("resource", RESOURCES, ids=[r.path for r in RESOURCES])
def test_odd_values_in_writes_are_never_a_server_error(resource, world, make_claim, editor_api):
    base = resource.create(world, make_claim)
    obj = resource.make(world, make_claim)
    for field in base:
        for value in ODD_VALUES:
            body = {**base, field: value}
            created = editor_api.post(url(resource), body, format="json")
            assert created.status_code in (201, 400), (field, value, created.status_code)
            if created.status_code == 400:
                assert created.json(), (field, value)
            else:
                editor_api.delete(url(resource, created.json()["id"]))
            patched = editor_api.patch(url(resource, obj.pk), {field: value}, format="json")
            assert patched.status_code in (200, 400), (field, value, patched.status_code)


def test_odd_values_in_nested_citations_are_never_a_server_error(world, make_claim, editor_api):
    base = RESOURCES[4].create(world, make_claim)
    assert RESOURCES[4].path == "claims"
    for key in ("report", "quote"):
        for value in ODD_VALUES:
            citation = {"report": world.report.pk, "quote": "", key: value}
            response = editor_api.post("/api/v1/claims/", {**base, "citations": [citation]}, format="json")
            assert response.status_code in (201, 400), (key, value, response.status_code)
            if response.status_code == 400:
                assert "citations" in response.json()


@pytest.mark.parametrize(
    "body",
    [b"{", b"[]", b"null", b'"text"', b"\xff\xfe", b'{"name": NaN}', b"1e999999"],
)
def test_malformed_bodies_are_400(world, editor_api, body):
    for path in ("actors", "claims", "relations"):
        response = editor_api.generic("POST", f"/api/v1/{path}/", body, content_type="application/json")
        assert response.status_code == 400, (path, body, response.status_code)


def test_an_unsupported_media_type_is_415(world, editor_api):
    response = editor_api.generic("POST", "/api/v1/actors/", b"<actor/>", content_type="application/xml")
    assert response.status_code == 415


def test_options_describe_every_resource(panjshir, editor_api, api):
    claim = panjshir["taliban-capture"]
    for path in ("actors", "locations", "sources", "reports", "claims", "relations"):
        for client in (editor_api, api):
            assert client.options(f"/api/v1/{path}/").status_code == 200, path
    described = editor_api.options(f"/api/v1/claims/{claim.pk}/").json()
    assert described["actions"]["PUT"]["status"]["read_only"] is True
    assert editor_api.options(f"/api/v1/locations/{claim.location_id}/control/").status_code == 200
