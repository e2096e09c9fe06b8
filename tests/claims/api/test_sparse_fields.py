"""``?fields=`` on the claim list, one claim and as of a date (core/api/sparse.py, claims/documents.py):
only the named top-level fields, each as the full claim shows it; unknown names a 400 naming them; and
the fields left out are not read (no citations' or relations' query, fewer queries)."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.api.serializers import ClaimSerializer
from claims.documents import FIELDS
from claims.models import Claim

pytestmark = pytest.mark.django_db

FLAT = ("id", "status", "claimed_on", "summary")
SUBSETS = [
    FLAT,
    ("claimant", "location", "kind"),
    ("citations",),
    ("relations_received", "reasons", "contested"),
    ("url", "as_of", "updated_at", "verdict", "spokesperson"),
]


def full_and_sparse(api, path: str, fields: tuple[str, ...]) -> tuple[dict, dict]:
    join = "&" if "?" in path else "?"
    full = api.get(path)
    sparse = api.get(f"{path}{join}fields={','.join(fields)}")
    assert full.status_code == sparse.status_code == 200, sparse.content[:300]
    return full.json(), sparse.json()


def test_the_document_fields_are_the_serializer_read_fields():
    readable = [name for name, field in ClaimSerializer().fields.items() if not field.write_only]
    assert list(FIELDS) == readable


@pytest.mark.parametrize("fields", SUBSETS, ids=[",".join(s) for s in SUBSETS])
@pytest.mark.parametrize("as_of", [None, "2021-09-03"], ids=["now", "as_of"])
def test_a_list_gives_only_the_fields_asked_for(api, panjshir, fields, as_of):
    path = "/api/v1/claims/?page_size=100" + (f"&as_of={as_of}" if as_of else "")
    full, sparse = full_and_sparse(api, path, fields)
    assert sparse["count"] == full["count"] > 3
    assert len(sparse["results"]) == len(full["results"])
    wanted = [name for name in FIELDS if name in fields]
    for whole, part in zip(full["results"], sparse["results"], strict=True):
        assert list(part) == wanted  # in the document's order, whatever order they were asked in
        assert part == {name: whole[name] for name in wanted}


def test_flat_rows_read_as_flat_rows(api, panjshir):
    body = api.get("/api/v1/claims/?fields=summary,id,claimed_on,status&ordering=id").json()
    first = Claim.objects.order_by("id").first()
    assert body["results"][0] == {
        "id": first.pk,
        "claimed_on": first.claimed_on.isoformat(),
        "summary": first.summary,
        "status": first.status,
    }


def test_a_nested_object_stays_whole(api, panjshir):
    claim = Claim.objects.exclude(spokesperson=None).order_by("id").first()
    body = api.get(f"/api/v1/claims/{claim.pk}/?fields=claimant,spokesperson").json()
    assert body == {
        "claimant": {"id": claim.claimant.pk, "slug": claim.claimant.slug, "name": claim.claimant.name},
        "spokesperson": {"id": claim.spokesperson.pk, "slug": claim.spokesperson.slug, "name": claim.spokesperson.name},
    }


@pytest.mark.parametrize("fields", SUBSETS, ids=[",".join(s) for s in SUBSETS])
@pytest.mark.parametrize("as_of", [None, "2021-09-03"], ids=["now", "as_of"])
def test_one_claim_gives_only_the_fields_asked_for(api, panjshir, fields, as_of):
    claim = Claim.objects.filter(claimed_on__lte=date(2021, 9, 3)).order_by("id").first()
    path = f"/api/v1/claims/{claim.pk}/" + (f"?as_of={as_of}" if as_of else "")
    full, sparse = full_and_sparse(api, path, fields)
    assert sparse == {name: full[name] for name in FIELDS if name in fields}


def test_as_of_a_date_before_the_claim_is_still_the_404_that_says_when(api, panjshir):
    claim = Claim.objects.order_by("-claimed_on", "-id").first()
    response = api.get(f"/api/v1/claims/{claim.pk}/?as_of=2000-01-01&fields=id,status")
    assert response.status_code == 404
    assert response.json()["claimed_on"] == claim.claimed_on.isoformat()


@pytest.mark.parametrize(
    "query",
    ["fields=id,foo,status,bar", "fields=foo&fields=bar", "fields=id,foo,bar,foo"],
    ids=["mixed", "repeated", "twice"],
)
def test_unknown_names_are_a_400_naming_them(api, panjshir, query):
    for path in ("/api/v1/claims/", f"/api/v1/claims/{Claim.objects.first().pk}/", "/api/v1/claims/?as_of=2021-09-03"):
        join = "&" if "?" in path else "?"
        response = api.get(f"{path}{join}{query}")
        assert response.status_code == 400, path
        assert response.json() == {"fields": [f"Unknown field(s): foo, bar. Known: {', '.join(FIELDS)}."]}


def test_junk_in_fields_is_a_400_not_a_500(api, panjshir):
    for junk in ("%00", "x" * 5000, "id,%E2%80%AE", "[]", "{}"):
        response = api.get(f"/api/v1/claims/?fields={junk}")
        assert response.status_code == 400, junk
        assert response.json()["fields"][0].startswith("Unknown field(s): ")
    assert len(api.get("/api/v1/claims/?fields=" + "x" * 5000).json()["fields"][0]) < 1000


@pytest.mark.parametrize("query", ["fields=", "fields=&fields="], ids=["empty", "empty-twice"])
def test_empty_fields_is_every_field(api, panjshir, query):
    assert api.get(f"/api/v1/claims/?{query}").json() == api.get("/api/v1/claims/").json()


@pytest.mark.parametrize(
    "value, named",
    [(",", "“” (an empty name)"), ("id,,status", "“” (an empty name)"), ("id,%20status", " status")],
    ids=["comma", "double-comma", "space"],
)
def test_empty_names_and_spaces_are_unknown_names(api, panjshir, value, named):
    response = api.get(f"/api/v1/claims/?fields={value}")
    assert response.status_code == 400
    assert response.json()["fields"][0].startswith(f"Unknown field(s): {named}. Known: id, url, ")


def test_repeated_names_add_up(api, panjshir):
    body = api.get("/api/v1/claims/?fields=id&fields=status,id").json()
    assert all(list(row) == ["id", "status"] for row in body["results"])


def outermost(sql: str) -> str:
    """The query without its parenthesised parts (subqueries): what it reads as rows."""
    while True:
        shorter = re.sub(r"\([^()]*\)", "", sql)
        if shorter == sql:
            return sql
        sql = shorter


def queries(api, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert api.get(path).status_code == 200, path
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("as_of", ["", "&as_of=2021-09-03"], ids=["now", "as_of"])
def test_flat_fields_read_neither_citations_nor_relations(api, panjshir, as_of):
    full = queries(api, f"/api/v1/claims/?page_size=100{as_of}")
    flat = queries(api, f"/api/v1/claims/?page_size=100&fields={','.join(FLAT)}{as_of}")
    assert len(flat) <= len(full) - 2
    assert any('"claims_citation"' in sql for sql in full)
    # No query reads citations as rows (as of a date the claims' query grades them in a subquery).
    assert not any('FROM "claims_citation"' in outermost(sql) for sql in flat)
    # As of a date the flags are worked out from the relations then; the relations' query of the
    # document (with the opposite claim's claimant) is not run.
    assert not any('FROM "claims_relation"' in sql and '"actors_actor"' in sql for sql in flat)
    # The claims' rows join no actor nor place when none is asked for.
    rows = [sql for sql in flat if 'FROM "claims_claim"' in sql and '"claims_claim"."summary"' in sql]
    assert rows and not any("JOIN" in sql for sql in rows)


def test_asking_for_citations_reads_them_and_not_the_relations(api, panjshir):
    sqls = queries(api, "/api/v1/claims/?fields=id,citations")
    assert any('FROM "claims_citation"' in sql for sql in sqls)
    assert not any('FROM "claims_relation"' in sql for sql in sqls)


def test_the_flat_list_runs_a_constant_number_of_queries(api, world, make_claim, django_assert_max_num_queries):
    make_claim(world.taliban, subject=world.taliban, location=world.shattal)
    path = f"/api/v1/claims/?fields={','.join(FLAT)}"
    one = len(queries(api, path))
    for day in range(1, 30):
        make_claim(world.nrf if day % 2 else world.taliban, day=day, location=world.shattal)
    with django_assert_max_num_queries(one):
        assert len(api.get(path).json()["results"]) == 30
    assert one < len(queries(api, "/api/v1/claims/"))


@pytest.mark.parametrize(
    "path, fields",
    [
        ("/api/v1/actors/", ("id", "name", "bloc")),
        ("/api/v1/locations/", ("id", "slug", "parent")),
        ("/api/v1/sources/", ("name", "reliability")),
        ("/api/v1/reports/", ("id", "title", "source")),
        ("/api/v1/relations/", ("claim", "target", "stance")),
        ("/api/v1/conflicts/", ("id", "name")),
    ],
    ids=["actors", "locations", "sources", "reports", "relations", "conflicts"],
)
def test_every_resource_list_and_object_takes_fields(api, panjshir, path, fields):
    full, sparse = full_and_sparse(api, path, fields)
    assert sparse["count"] == full["count"]
    for whole, part in zip(full["results"], sparse["results"], strict=True):
        assert part == {name: whole[name] for name in whole if name in fields}
        assert set(part) == set(fields)
    if full["results"]:
        one = full["results"][0]
        detail = api.get(f"{path}{one['id']}/?fields={','.join(fields)}")
        assert detail.json() == {name: one[name] for name in one if name in fields}
    response = api.get(f"{path}?fields=id,nope")
    assert response.status_code == 400
    assert response.json()["fields"][0].startswith("Unknown field(s): nope. Known: id, ")


def test_counts_are_not_read_when_not_asked_for(api, panjshir):
    counted = queries(api, "/api/v1/locations/?fields=id,name,subtree_claim_count")
    plain = queries(api, "/api/v1/locations/?fields=id,name")
    assert len(plain) < len(counted)
    assert not any('"claims_claim"' in sql for sql in plain)
    body = api.get("/api/v1/locations/?fields=id,subtree_claim_count&slug=panjshir").json()
    assert body["results"][0]["subtree_claim_count"] == api.get("/api/v1/claims/?location=panjshir").json()["count"]


def test_writes_still_answer_every_field(token_api, claim_payload):
    response = token_api.post("/api/v1/claims/?fields=id", claim_payload, format="json")
    assert response.status_code == 201
    assert list(response.json()) == list(FIELDS)


def test_the_schema_documents_fields_on_every_read(api):
    schema = api.get("/api/v1/schema/?format=json").json()
    for path in ("/api/v1/claims/", "/api/v1/claims/{id}/", "/api/v1/actors/", "/api/v1/reports/{id}/"):
        operation = schema["paths"][path]["get"]
        (parameter,) = [p for p in operation["parameters"] if p["name"] == "fields"]
        assert parameter["style"] == "form" and parameter["explode"] is False
        assert "id" in parameter["schema"]["items"]["enum"]
    claim_fields = [p for p in schema["paths"]["/api/v1/claims/"]["get"]["parameters"] if p["name"] == "fields"]
    assert claim_fields[0]["schema"]["items"]["enum"] == list(FIELDS)
    assert "required" not in schema["components"]["schemas"]["SparseClaim"]
    assert set(schema["components"]["schemas"]["SparseClaim"]["properties"]) == set(FIELDS)
    page = schema["paths"]["/api/v1/claims/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert page == {"$ref": "#/components/schemas/PaginatedSparseClaimList"}
    # The writes answer the whole claim, every read field required.
    created = schema["paths"]["/api/v1/claims/"]["post"]["responses"]["201"]["content"]["application/json"]
    assert created["schema"] == {"$ref": "#/components/schemas/Claim"}
    assert "id" in schema["components"]["schemas"]["Claim"]["required"]
    assert not any(p["name"] == "fields" for p in schema["paths"]["/api/v1/claims/{id}/history/"]["get"]["parameters"])


def test_the_browsable_api_shows_the_sparse_read_and_the_whole_form(editor_api, panjshir):
    page = editor_api.get("/api/v1/actors/?fields=id,name", HTTP_ACCEPT="text/html")
    assert page.status_code == 200
    html = page.content.decode()
    assert "&quot;bloc&quot;" not in html and '"bloc":' not in html  # the read shows the two fields
    assert 'name="description"' in html  # the form to add an actor has every field
