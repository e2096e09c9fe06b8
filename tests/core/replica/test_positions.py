"""The pieces of core/replica.py that need no replica: WAL positions compare as PostgreSQL's do,
statements that write are told from reads, and without DATABASE_REPLICA_URL nothing is added."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import replica as read_routing


def test_wal_positions_compare_like_postgresql():
    positions = ["0/0", "0/16B3748", "0/FFFFFFFF", "1/0", "1/A", "16/B374D848", "FF/0"]
    assert sorted(positions, key=read_routing.lsn_value) == positions
    assert read_routing.lsn_value("1/0") == 1 << 32


@pytest.mark.parametrize(
    ("sql", "writes"),
    [
        ('INSERT INTO "claims_claim" ("summary") VALUES (%s)', True),
        ('  UPDATE "claims_claim" SET "status" = %s', True),
        ('DELETE FROM "claims_relation" WHERE "id" = %s', True),
        ("TRUNCATE fogwatch_new_flags", True),
        ("WITH old AS (SELECT 1) UPDATE claims_claim SET status = 'x' FROM old", True),
        ("(INSERT INTO t VALUES (1))", True),
        ('SELECT "claims_claim"."id" FROM "claims_claim"', False),
        ('SELECT "claims_claim"."id" FROM "claims_claim" FOR UPDATE', False),
        ("SELECT pg_current_wal_lsn()::text", False),
        ("SAVEPOINT s1", False),
    ],
)
def test_statements_that_write(sql, writes):
    assert bool(read_routing._WRITES.match(sql)) is writes


@pytest.mark.django_db
def test_without_a_replica_the_middleware_adds_nothing(editor_api_token):
    client, claim_payload = editor_api_token
    assert not read_routing.configured()
    with CaptureQueriesContext(connection) as queries:
        assert client.post("/api/v1/claims/", claim_payload, format="json").status_code == 201
        assert client.get("/api/v1/claims/").status_code == 200
    assert not any("wal_lsn" in q["sql"] for q in queries.captured_queries)


@pytest.fixture
def editor_api_token(editor, claim_payload):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=editor).key}")
    return client, claim_payload
