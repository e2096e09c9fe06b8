"""Claim search (docs/search.md): on PostgreSQL, a search vector per claim in ``claims_claimsearch``
and the words of all vectors in ``claims_searchword`` (trigram-indexed), both written by triggers on
every table whose text a claim is found by, then filled for the claims already there.

What a claim's vector holds, by weight: A its summary and quote; B the titles of the reports it
cites and the citations' quotes; C the names and aliases of its claimant, spokesperson and subject;
D the names and aliases of its place and of every place above it (``path``). The text search
configuration ``fogwatch_search`` is ``simple`` (no stemming, no stop words: any language, any
script) with ``unaccent`` in front where the server has that extension.

The triggers, so that every write path keeps the vectors right (services, the admin, importers,
``generate_data``'s bulk inserts, a hand-typed statement):
- claims: a statement trigger on INSERT (set-wise over the inserted rows), a row trigger on UPDATE OF
  the searched columns (the flag recompute's updates don't fire it), a statement trigger on DELETE;
- citations: INSERT and DELETE (statement), UPDATE OF quote/report/claim (row);
- reports: UPDATE OF title; actors: UPDATE OF name/aliases (the claims naming the actor);
- places: UPDATE OF name/aliases (the claims anywhere below the place) or of path (a move: the
  claims on the place itself; every moved place's row fires, so the whole subtree is covered).

The SQL is written out here, as it is when this migration is made: a migration must not change when
application code changes later.
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

BACKFILL_CHUNK = 20000

CONFIG_SQL = [
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS fogwatch_search",
    "CREATE TEXT SEARCH CONFIGURATION fogwatch_search (COPY = pg_catalog.simple)",
]
UNACCENT_SQL = (
    "ALTER TEXT SEARCH CONFIGURATION fogwatch_search ALTER MAPPING FOR"
    " word, hword, hword_part, numword, numhword, hword_numpart WITH unaccent, simple"
)

FUNCTIONS_SQL = [
    # A name and its aliases (a JSON list of strings; anything else is read as well as it can be).
    """
    CREATE OR REPLACE FUNCTION fogwatch_names(name text, aliases jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT concat_ws(' ', name, CASE jsonb_typeof(aliases)
            WHEN 'array' THEN (SELECT string_agg(v, ' ') FROM jsonb_array_elements_text(aliases) AS v)
            WHEN 'string' THEN aliases #>> '{}'
        END)
    $$
    """,
    # The ids in a materialised path (``/1/5/9/``, core/tree.py).
    """
    CREATE OR REPLACE FUNCTION fogwatch_path_ids(path text) RETURNS bigint[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(part::bigint), '{}')
        FROM unnest(string_to_array(btrim(path, '/'), '/')) AS part WHERE part ~ '^[0-9]{1,18}$'
    $$
    """,
    # (Re)write the vectors of these claims, and add their new words to the vocabulary. One statement,
    # in two functions: the planner takes ``= ANY(ids)`` for a handful of rows, right for an edit; for
    # a bulk insert or a rename that reaches many claims, nested loops over the CTEs would be quadratic,
    # so the bulk twin runs with hash joins.
    """
    CREATE OR REPLACE FUNCTION fogwatch_search_write(ids bigint[]) RETURNS void
    LANGUAGE sql AS $$
        WITH c AS MATERIALIZED (
            SELECT id, summary, quote, claimant_id, spokesperson_id, subject_id, location_id
            FROM claims_claim WHERE id = ANY(ids)
        ),
        cited AS (
            SELECT ci.claim_id, string_agg(concat_ws(' ', r.title, ci.quote), ' ' ORDER BY ci.id) AS text
            FROM claims_citation ci JOIN sources_report r ON r.id = ci.report_id
            WHERE ci.claim_id = ANY(ids)
            GROUP BY ci.claim_id
        ),
        named AS (
            SELECT a.id, fogwatch_names(a.name, a.aliases) AS text
            FROM actors_actor a
            WHERE a.id IN (SELECT claimant_id FROM c UNION SELECT spokesperson_id FROM c UNION SELECT subject_id FROM c)
        ),
        placed AS (
            SELECT l.id, string_agg(fogwatch_names(p.name, p.aliases), ' ' ORDER BY p.id = l.id DESC,
                                    char_length(p.path) DESC) AS text
            FROM locations_location l
            CROSS JOIN LATERAL unnest(fogwatch_path_ids(l.path) || l.id) AS above(id)
            JOIN locations_location p ON p.id = above.id
            WHERE l.id IN (SELECT location_id FROM c)
            GROUP BY l.id
        ),
        docs AS (
            SELECT c.id,
                setweight(to_tsvector('fogwatch_search', concat_ws(' ', c.summary, c.quote)), 'A')
                || setweight(to_tsvector('fogwatch_search', coalesce(cited.text, '')), 'B')
                || setweight(to_tsvector('fogwatch_search', concat_ws(' ', claimant.text, spokesperson.text,
                                                                      subject.text)), 'C')
                || setweight(to_tsvector('fogwatch_search', coalesce(placed.text, '')), 'D') AS vector
            FROM c
            LEFT JOIN cited ON cited.claim_id = c.id
            LEFT JOIN named claimant ON claimant.id = c.claimant_id
            LEFT JOIN named spokesperson ON spokesperson.id = c.spokesperson_id
            LEFT JOIN named subject ON subject.id = c.subject_id
            LEFT JOIN placed ON placed.id = c.location_id
        ),
        new_words AS (
            INSERT INTO claims_searchword (word)
            SELECT DISTINCT w FROM docs, unnest(tsvector_to_array(docs.vector)) AS w
            WHERE char_length(w) BETWEEN 4 AND 100 AND w !~ '[0-9]'
              AND NOT EXISTS (SELECT 1 FROM claims_searchword s WHERE s.word = w)
            ORDER BY w
            ON CONFLICT DO NOTHING
        )
        INSERT INTO claims_claimsearch (claim_id, vector)
        SELECT id, vector FROM docs
        ON CONFLICT (claim_id) DO UPDATE SET vector = EXCLUDED.vector
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION fogwatch_search_write_bulk(ids bigint[]) RETURNS void
    LANGUAGE sql SET enable_nestloop = off AS $$
        WITH c AS MATERIALIZED (
            SELECT id, summary, quote, claimant_id, spokesperson_id, subject_id, location_id
            FROM claims_claim WHERE id = ANY(ids)
        ),
        cited AS (
            SELECT ci.claim_id, string_agg(concat_ws(' ', r.title, ci.quote), ' ' ORDER BY ci.id) AS text
            FROM claims_citation ci JOIN sources_report r ON r.id = ci.report_id
            WHERE ci.claim_id = ANY(ids)
            GROUP BY ci.claim_id
        ),
        named AS (
            SELECT a.id, fogwatch_names(a.name, a.aliases) AS text
            FROM actors_actor a
            WHERE a.id IN (SELECT claimant_id FROM c UNION SELECT spokesperson_id FROM c UNION SELECT subject_id FROM c)
        ),
        placed AS (
            SELECT l.id, string_agg(fogwatch_names(p.name, p.aliases), ' ' ORDER BY p.id = l.id DESC,
                                    char_length(p.path) DESC) AS text
            FROM locations_location l
            CROSS JOIN LATERAL unnest(fogwatch_path_ids(l.path) || l.id) AS above(id)
            JOIN locations_location p ON p.id = above.id
            WHERE l.id IN (SELECT location_id FROM c)
            GROUP BY l.id
        ),
        docs AS (
            SELECT c.id,
                setweight(to_tsvector('fogwatch_search', concat_ws(' ', c.summary, c.quote)), 'A')
                || setweight(to_tsvector('fogwatch_search', coalesce(cited.text, '')), 'B')
                || setweight(to_tsvector('fogwatch_search', concat_ws(' ', claimant.text, spokesperson.text,
                                                                      subject.text)), 'C')
                || setweight(to_tsvector('fogwatch_search', coalesce(placed.text, '')), 'D') AS vector
            FROM c
            LEFT JOIN cited ON cited.claim_id = c.id
            LEFT JOIN named claimant ON claimant.id = c.claimant_id
            LEFT JOIN named spokesperson ON spokesperson.id = c.spokesperson_id
            LEFT JOIN named subject ON subject.id = c.subject_id
            LEFT JOIN placed ON placed.id = c.location_id
        ),
        new_words AS (
            INSERT INTO claims_searchword (word)
            SELECT DISTINCT w FROM docs, unnest(tsvector_to_array(docs.vector)) AS w
            WHERE char_length(w) BETWEEN 4 AND 100 AND w !~ '[0-9]'
              AND NOT EXISTS (SELECT 1 FROM claims_searchword s WHERE s.word = w)
            ORDER BY w
            ON CONFLICT DO NOTHING
        )
        INSERT INTO claims_claimsearch (claim_id, vector)
        SELECT id, vector FROM docs
        ON CONFLICT (claim_id) DO UPDATE SET vector = EXCLUDED.vector
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION fogwatch_search_refresh(ids bigint[]) RETURNS void
    LANGUAGE plpgsql AS $$
    BEGIN
        IF cardinality(ids) > 100 THEN
            PERFORM fogwatch_search_write_bulk(ids);
        ELSIF cardinality(ids) > 0 THEN
            PERFORM fogwatch_search_write(ids);
        END IF;
    END;
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION fogwatch_search_claims_inserted() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM fogwatch_search_refresh(ARRAY(SELECT id FROM fogwatch_new_rows));
        RETURN NULL;
    END;
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION fogwatch_search_claim_updated() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM fogwatch_search_refresh(ARRAY[NEW.id]);
        RETURN NULL;
    END;
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION fogwatch_search_claims_deleted() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM claims_claimsearch WHERE claim_id IN (SELECT id FROM fogwatch_old_rows);
        RETURN NULL;
    END;
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION fogwatch_search_claims_truncated() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM claims_claimsearch;
        RETURN NULL;
    END;
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION fogwatch_search_citations_inserted() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM fogwatch_search_refresh(ARRAY(SELECT DISTINCT claim_id FROM fogwatch_new_rows));
        RETURN NULL;
    END;
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION fogwatch_search_citations_deleted() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM fogwatch_search_refresh(ARRAY(SELECT DISTINCT claim_id FROM fogwatch_old_rows));
        RETURN NULL;
    END;
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION fogwatch_search_citation_updated() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM fogwatch_search_refresh(ARRAY[OLD.claim_id, NEW.claim_id]);
        RETURN NULL;
    END;
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION fogwatch_search_report_updated() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM fogwatch_search_refresh(ARRAY(SELECT DISTINCT claim_id FROM claims_citation WHERE report_id = NEW.id));
        RETURN NULL;
    END;
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION fogwatch_search_actor_updated() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM fogwatch_search_refresh(ARRAY(
            SELECT id FROM claims_claim
            WHERE claimant_id = NEW.id OR spokesperson_id = NEW.id OR subject_id = NEW.id
        ));
        RETURN NULL;
    END;
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION fogwatch_search_location_updated() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF (OLD.name IS DISTINCT FROM NEW.name OR OLD.aliases IS DISTINCT FROM NEW.aliases) AND NEW.path <> '' THEN
            -- Every claim on the place or below it names it.
            PERFORM fogwatch_search_refresh(ARRAY(
                SELECT c.id FROM claims_claim c
                WHERE c.location_id IN (
                    SELECT l.id FROM locations_location l WHERE starts_with(l.path, NEW.path) OR l.id = NEW.id
                )
            ));
        ELSE
            -- A move: each moved place's row fires, so each refreshes the claims on itself.
            PERFORM fogwatch_search_refresh(ARRAY(SELECT id FROM claims_claim WHERE location_id = NEW.id));
        END IF;
        RETURN NULL;
    END;
    $$
    """,
]

TRIGGERS_SQL = [
    "CREATE TRIGGER fogwatch_search_insert AFTER INSERT ON claims_claim REFERENCING NEW TABLE AS fogwatch_new_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION fogwatch_search_claims_inserted()",
    "CREATE TRIGGER fogwatch_search_update AFTER UPDATE OF summary, quote, claimant_id, spokesperson_id, subject_id,"
    " location_id ON claims_claim FOR EACH ROW WHEN (OLD.summary IS DISTINCT FROM NEW.summary"
    " OR OLD.quote IS DISTINCT FROM NEW.quote OR OLD.claimant_id IS DISTINCT FROM NEW.claimant_id"
    " OR OLD.spokesperson_id IS DISTINCT FROM NEW.spokesperson_id OR OLD.subject_id IS DISTINCT FROM NEW.subject_id"
    " OR OLD.location_id IS DISTINCT FROM NEW.location_id) EXECUTE FUNCTION fogwatch_search_claim_updated()",
    "CREATE TRIGGER fogwatch_search_delete AFTER DELETE ON claims_claim REFERENCING OLD TABLE AS fogwatch_old_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION fogwatch_search_claims_deleted()",
    "CREATE TRIGGER fogwatch_search_truncate AFTER TRUNCATE ON claims_claim"
    " FOR EACH STATEMENT EXECUTE FUNCTION fogwatch_search_claims_truncated()",
    "CREATE TRIGGER fogwatch_search_insert AFTER INSERT ON claims_citation"
    " REFERENCING NEW TABLE AS fogwatch_new_rows FOR EACH STATEMENT EXECUTE FUNCTION fogwatch_search_citations_inserted()",
    "CREATE TRIGGER fogwatch_search_delete AFTER DELETE ON claims_citation"
    " REFERENCING OLD TABLE AS fogwatch_old_rows FOR EACH STATEMENT EXECUTE FUNCTION fogwatch_search_citations_deleted()",
    "CREATE TRIGGER fogwatch_search_update AFTER UPDATE OF quote, report_id, claim_id ON claims_citation FOR EACH ROW"
    " WHEN (OLD.quote IS DISTINCT FROM NEW.quote OR OLD.report_id IS DISTINCT FROM NEW.report_id"
    " OR OLD.claim_id IS DISTINCT FROM NEW.claim_id) EXECUTE FUNCTION fogwatch_search_citation_updated()",
    "CREATE TRIGGER fogwatch_search_update AFTER UPDATE OF title ON sources_report FOR EACH ROW"
    " WHEN (OLD.title IS DISTINCT FROM NEW.title) EXECUTE FUNCTION fogwatch_search_report_updated()",
    "CREATE TRIGGER fogwatch_search_update AFTER UPDATE OF name, aliases ON actors_actor FOR EACH ROW"
    " WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.aliases IS DISTINCT FROM NEW.aliases)"
    " EXECUTE FUNCTION fogwatch_search_actor_updated()",
    "CREATE TRIGGER fogwatch_search_update AFTER UPDATE OF name, aliases, path ON locations_location FOR EACH ROW"
    " WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.aliases IS DISTINCT FROM NEW.aliases"
    " OR OLD.path IS DISTINCT FROM NEW.path) EXECUTE FUNCTION fogwatch_search_location_updated()",
]

INDEXES_SQL = [
    "CREATE INDEX IF NOT EXISTS claims_claimsearch_vector_gin ON claims_claimsearch USING gin (vector)",
    "CREATE INDEX IF NOT EXISTS claims_searchword_trgm ON claims_searchword USING gin (word gin_trgm_ops)",
]

TRIGGERS = (
    ("fogwatch_search_insert", "claims_claim"),
    ("fogwatch_search_update", "claims_claim"),
    ("fogwatch_search_delete", "claims_claim"),
    ("fogwatch_search_truncate", "claims_claim"),
    ("fogwatch_search_insert", "claims_citation"),
    ("fogwatch_search_delete", "claims_citation"),
    ("fogwatch_search_update", "claims_citation"),
    ("fogwatch_search_update", "sources_report"),
    ("fogwatch_search_update", "actors_actor"),
    ("fogwatch_search_update", "locations_location"),
)
FUNCTIONS = (
    "fogwatch_search_location_updated()",
    "fogwatch_search_actor_updated()",
    "fogwatch_search_report_updated()",
    "fogwatch_search_citation_updated()",
    "fogwatch_search_citations_deleted()",
    "fogwatch_search_citations_inserted()",
    "fogwatch_search_claims_truncated()",
    "fogwatch_search_claims_deleted()",
    "fogwatch_search_claim_updated()",
    "fogwatch_search_claims_inserted()",
    "fogwatch_search_refresh(bigint[])",
    "fogwatch_search_write_bulk(bigint[])",
    "fogwatch_search_write(bigint[])",
    "fogwatch_path_ids(text)",
    "fogwatch_names(text, jsonb)",
)


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'")
        unaccent = cursor.fetchone() is not None
        if unaccent:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        for statement in CONFIG_SQL + ([UNACCENT_SQL] if unaccent else []) + FUNCTIONS_SQL + TRIGGERS_SQL:
            cursor.execute(statement)
        # The claims already there, a chunk of ids at a time (the triggers now hold the rest).
        last = 0
        while True:
            cursor.execute(
                "SELECT max(id), count(*) FROM (SELECT id FROM claims_claim WHERE id > %s ORDER BY id LIMIT %s) AS s",
                [last, BACKFILL_CHUNK],
            )
            top, count = cursor.fetchone()
            if not count:
                break
            cursor.execute(
                "SELECT fogwatch_search_refresh(ARRAY(SELECT id FROM claims_claim WHERE id > %s AND id <= %s))",
                [last, top],
            )
            last = top
        for statement in INDEXES_SQL:
            cursor.execute(statement)
        cursor.execute("ANALYZE claims_claimsearch")
        cursor.execute("ANALYZE claims_searchword")


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name, table in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        for function in FUNCTIONS:
            cursor.execute(f"DROP FUNCTION IF EXISTS {function}")
        cursor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS fogwatch_search")


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0002_tree_path_text"),
        ("locations", "0002_tree_path_text"),
        ("sources", "0002_historicalreport_triage_report_triage_feed_and_more"),
        ("claims", "0010_conflict"),
    ]

    operations = [
        TrigramExtension(),
        migrations.CreateModel(
            name="ClaimSearch",
            fields=[
                (
                    "claim",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="search",
                        serialize=False,
                        to="claims.claim",
                    ),
                ),
                ("vector", django.contrib.postgres.search.SearchVectorField()),
            ],
            options={"db_table": "claims_claimsearch"},
        ),
        migrations.CreateModel(
            name="SearchWord",
            fields=[("word", models.TextField(primary_key=True, serialize=False))],
            options={"db_table": "claims_searchword"},
        ),
        migrations.RunPython(install, uninstall),
    ]
