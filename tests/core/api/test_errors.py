"""Every error under /api/ is JSON in the documented shape (``{"detail": "…"}``, or a message list per
field for bad input): 404 for paths that are no route, 405, 413 for bodies past the limit, 400 for
malformed and too deeply nested JSON, 500. Pages keep their HTML templates."""

import json

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from actors.models import Actor
from claims.api.views import ClaimViewSet
from claims.models import Claim
from core.api.parsers import JSONParser, too_deep

pytestmark = pytest.mark.django_db


def assert_json_error(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    return body


def nested(depth: int, inner: str = "1") -> str:
    return "[" * depth + inner + "]" * depth


@pytest.mark.parametrize(
    "path",
    ["/api/v1/claims//", "/api/v1/claims/abc/", "/api/v1/nope/", "/api/v2/claims/", "/api/", "/api/v1/claims/1/x/"],
)
def test_a_path_that_is_no_route_is_a_json_404(path):
    client = Client()
    for accept in ("*/*", "application/json", "text/html"):
        body = assert_json_error(client.get(path, HTTP_ACCEPT=accept), 404)
        assert "/api/v1/" in body["detail"]
    assert_json_error(client.post(path, "{}", content_type="application/json"), 404)


def test_a_page_that_is_no_route_keeps_the_html_404():
    response = Client().get("/claims/nope/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "Back to the overview" in response.content.decode()


def test_an_unknown_object_is_a_json_404(editor_api):
    assert_json_error(editor_api.get("/api/v1/claims/987654321/"), 404)
    assert_json_error(editor_api.patch("/api/v1/actors/987654321/", {"name": "x"}), 404)


def test_a_method_a_resource_does_not_take_is_a_json_405(world, editor_api):
    body = assert_json_error(editor_api.delete("/api/v1/claims/"), 405)
    assert body == {"detail": 'Method "DELETE" not allowed.'}
    assert_json_error(editor_api.post("/api/v1/claims/1/history/", {}), 405)
    assert_json_error(editor_api.put("/api/v1/claims/export.csv", {}), 405)


@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
def test_a_body_past_the_limit_is_a_json_413_and_writes_nothing(world, editor_api, content_type):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert limit == 2_621_440  # FOGWATCH_MAX_BODY_BYTES's default, as documented
    name = "x" * (limit + 10)
    body = json.dumps({"name": name}) if content_type == "application/json" else f"name={name}"
    before = Actor.objects.count()
    response = editor_api.generic("POST", "/api/v1/actors/", body, content_type=content_type)
    assert "2,621,440 bytes" in assert_json_error(response, 413)["detail"]
    assert Actor.objects.count() == before


def test_the_body_limit_is_a_setting(world, editor_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    small = {"name": "Fits", "description": "d" * 3000}
    assert editor_api.post("/api/v1/actors/", small, format="json").status_code == 201
    large = {"name": "Too big", "description": "d" * 5000}
    assert "4,096 bytes" in assert_json_error(editor_api.post("/api/v1/actors/", large, format="json"), 413)["detail"]
    assert not Actor.objects.filter(name="Too big").exists()


def test_a_multipart_body_past_the_limit_is_refused_before_it_is_read(world, editor_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    upload = SimpleUploadedFile("big.bin", b"\0" * 20_000)
    response = editor_api.post("/api/v1/actors/", {"name": "Uploader", "file": upload}, format="multipart")
    assert "4,096 bytes" in assert_json_error(response, 413)["detail"]
    assert not Actor.objects.filter(name="Uploader").exists()


def test_too_many_form_fields_is_a_json_413(world, editor_api, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    body = "&".join(f"f{i}=1" for i in range(20))
    response = editor_api.generic("POST", "/api/v1/actors/", body, content_type="application/x-www-form-urlencoded")
    assert_json_error(response, 413)


@pytest.mark.parametrize("body", [b"{", b'{"name": "x",}', b"\xff\xfe{}", b'{"name": NaN}', b"[1, 2"])
def test_malformed_json_is_a_json_400(world, editor_api, body):
    response = editor_api.generic("POST", "/api/v1/actors/", body, content_type="application/json")
    assert assert_json_error(response, 400)["detail"].startswith("JSON parse error")


@pytest.mark.parametrize("depth", [33, 1000, 100_000])
def test_json_nested_past_the_limit_is_a_400_not_a_recursion_error(world, editor_api, depth):
    before = Actor.objects.count(), Claim.objects.count()
    for path in ("/api/v1/actors/", "/api/v1/claims/", "/api/v1/intake/", "/api/v1/auth/token/"):
        body = '{"name": ' + nested(depth) + "}"
        response = editor_api.generic("POST", path, body, content_type="application/json")
        detail = assert_json_error(response, 400)["detail"]
        assert "nested more than 32 deep" in detail, path
    assert (Actor.objects.count(), Claim.objects.count()) == before


def test_json_nested_up_to_the_limit_is_read(world, editor_api):
    # 32 levels: the body is read, and the field with the wrong type is named.
    response = editor_api.generic(
        "POST", "/api/v1/actors/", '{"name": "A", "aliases": ' + nested(31) + "}", content_type="application/json"
    )
    assert response.status_code == 400
    assert "aliases" in response.json()


def test_brackets_inside_strings_do_not_count_as_nesting(world, editor_api):
    name = "[{" * 100 + '"\\"' + "}]" * 100
    response = editor_api.post("/api/v1/actors/", {"name": name[:190]}, format="json")
    assert response.status_code == 201, response.json()
    assert not too_deep(json.dumps({"a": "[" * 1000}), 32)
    assert too_deep(json.dumps({"a": [[["["]]]}), 3)


def test_a_server_error_is_a_json_500(world, api, monkeypatch):
    def fail(self, request, *args, **kwargs):
        raise RuntimeError("something broke")

    monkeypatch.setattr(ClaimViewSet, "list", fail)
    response = Client(raise_request_exception=False).get("/api/v1/claims/")
    body = assert_json_error(response, 500)
    assert "something broke" not in body["detail"]  # no internals leak


def test_a_page_server_error_keeps_the_html_500(db, monkeypatch):
    from web.views import claims as claim_pages

    def fail(*args, **kwargs):
        raise RuntimeError("something broke")

    monkeypatch.setattr(claim_pages.selectors, "claim_detail", fail)
    response = Client(raise_request_exception=False).get("/claims/1/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert "something broke" not in response.content.decode()


def api_views():
    def walk(patterns):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns)
            elif isinstance(entry, URLPattern):
                callback = entry.callback
                yield getattr(callback, "cls", None) or getattr(callback, "view_class", None)

    return {view for view in walk(get_resolver("config.api_urls").url_patterns) if view is not None}


def test_every_api_view_reads_json_through_the_guarded_parser():
    for view in api_views():
        json_parsers = [p for p in view.parser_classes if p.media_type == "application/json"]
        assert all(issubclass(p, JSONParser) for p in json_parsers), view
