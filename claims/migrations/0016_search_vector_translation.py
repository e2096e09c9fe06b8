"""Claim search finds a claim by its quote's translation and by its citations' translations
(docs/search.md): the vector's weight A is the summary, the quote and its translation; weight B the
cited reports' titles, the citations' quotes and their translations. The two writing functions are
replaced and the claim and citation update triggers also fire on a changed translation.

The SQL is 0011's with the translations added (0011 never changes, so neither does this); the new
columns are empty when this runs, so no vector changes and nothing is backfilled.
"""

import importlib

from django.db import migrations

_0011 = importlib.import_module("claims.migrations.0011_claim_search")

OLD_CLAIM_TEXT = "concat_ws(' ', c.summary, c.quote)"
NEW_CLAIM_TEXT = "concat_ws(' ', c.summary, c.quote, c.translation)"
OLD_CLAIM_COLUMNS = "SELECT id, summary, quote, claimant_id"
NEW_CLAIM_COLUMNS = "SELECT id, summary, quote, translation, claimant_id"
OLD_CITED = "concat_ws(' ', r.title, ci.quote)"
NEW_CITED = "concat_ws(' ', r.title, ci.quote, ci.translation)"


def _writers(new: bool) -> list[str]:
    """The two functions that write vectors (0011's ``fogwatch_search_write`` and its bulk twin),
    with the translations (``new``) or as 0011 made them."""
    statements = [s for s in _0011.FUNCTIONS_SQL if "FUNCTION fogwatch_search_write" in s]
    assert len(statements) == 2
    if not new:
        return statements
    changed = []
    for statement in statements:
        for old, replacement in (
            (OLD_CLAIM_TEXT, NEW_CLAIM_TEXT),
            (OLD_CLAIM_COLUMNS, NEW_CLAIM_COLUMNS),
            (OLD_CITED, NEW_CITED),
        ):
            assert old in statement
            statement = statement.replace(old, replacement)
        changed.append(statement)
    return changed


CLAIM_TRIGGER = (
    "CREATE TRIGGER fogwatch_search_update AFTER UPDATE OF summary, quote, translation, claimant_id, spokesperson_id,"
    " subject_id, location_id ON claims_claim FOR EACH ROW WHEN (OLD.summary IS DISTINCT FROM NEW.summary"
    " OR OLD.quote IS DISTINCT FROM NEW.quote OR OLD.translation IS DISTINCT FROM NEW.translation"
    " OR OLD.claimant_id IS DISTINCT FROM NEW.claimant_id"
    " OR OLD.spokesperson_id IS DISTINCT FROM NEW.spokesperson_id OR OLD.subject_id IS DISTINCT FROM NEW.subject_id"
    " OR OLD.location_id IS DISTINCT FROM NEW.location_id) EXECUTE FUNCTION fogwatch_search_claim_updated()"
)
CITATION_TRIGGER = (
    "CREATE TRIGGER fogwatch_search_update AFTER UPDATE OF quote, translation, report_id, claim_id ON claims_citation"
    " FOR EACH ROW WHEN (OLD.quote IS DISTINCT FROM NEW.quote OR OLD.translation IS DISTINCT FROM NEW.translation"
    " OR OLD.report_id IS DISTINCT FROM NEW.report_id OR OLD.claim_id IS DISTINCT FROM NEW.claim_id)"
    " EXECUTE FUNCTION fogwatch_search_citation_updated()"
)
OLD_TRIGGERS = [
    s
    for s in _0011.TRIGGERS_SQL
    if s.startswith("CREATE TRIGGER fogwatch_search_update")
    and (" ON claims_claim " in s or " ON claims_citation " in s)
]
assert len(OLD_TRIGGERS) == 2
DROP_TRIGGERS = [
    "DROP TRIGGER IF EXISTS fogwatch_search_update ON claims_claim",
    "DROP TRIGGER IF EXISTS fogwatch_search_update ON claims_citation",
]


def _run(schema_editor, statements: list[str]) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def forwards(apps, schema_editor):
    _run(schema_editor, _writers(new=True) + DROP_TRIGGERS + [CLAIM_TRIGGER, CITATION_TRIGGER])


def backwards(apps, schema_editor):
    _run(schema_editor, _writers(new=False) + DROP_TRIGGERS + OLD_TRIGGERS)


class Migration(migrations.Migration):
    dependencies = [("claims", "0015_quote_translation")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
