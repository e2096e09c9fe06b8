"""The data version (core/versions.py): a one-row table bumped by statement triggers on the
tables a claim list reads, on PostgreSQL.

The SQL is written out here, as it was when this migration was made: a migration must not change
when application code changes later.
"""

from django.db import migrations

VERSIONED_TABLES = (
    "actors_actor",
    "locations_location",
    "sources_source",
    "sources_report",
    "claims_claim",
    "claims_citation",
    "claims_relation",
)

INSTALL_SQL = [
    "CREATE SEQUENCE IF NOT EXISTS fogwatch_data_version_seq",
    "CREATE TABLE IF NOT EXISTS fogwatch_data_version (version bigint NOT NULL)",
    "INSERT INTO fogwatch_data_version (version) SELECT nextval('fogwatch_data_version_seq')"
    " WHERE NOT EXISTS (SELECT 1 FROM fogwatch_data_version)",
    """
    CREATE OR REPLACE FUNCTION fogwatch_bump_data_version() RETURNS trigger AS $$
    BEGIN
        UPDATE fogwatch_data_version SET version = nextval('fogwatch_data_version_seq');
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql
    """,
    *(
        f"CREATE OR REPLACE TRIGGER fogwatch_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}"
        " FOR EACH STATEMENT EXECUTE FUNCTION fogwatch_bump_data_version()"
        for table in VERSIONED_TABLES
    ),
]
UNINSTALL_SQL = [
    *(f"DROP TRIGGER IF EXISTS fogwatch_data_version ON {table}" for table in VERSIONED_TABLES),
    "DROP FUNCTION IF EXISTS fogwatch_bump_data_version()",
    "DROP TABLE IF EXISTS fogwatch_data_version",
    "DROP SEQUENCE IF EXISTS fogwatch_data_version_seq",
]


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in INSTALL_SQL:
            schema_editor.execute(statement)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in UNINSTALL_SQL:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0001_initial"),
        ("locations", "0001_initial"),
        ("sources", "0002_historicalreport_triage_report_triage_feed_and_more"),
        ("claims", "0007_claimant_location_index"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
