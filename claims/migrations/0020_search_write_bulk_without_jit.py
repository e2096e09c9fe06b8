"""The bulk twin of the search-vector writer (``fogwatch_search_write_bulk``, 0011/0016) runs without
PostgreSQL's JIT compiler.

It runs with ``enable_nestloop = off``, which adds PostgreSQL's "disabled" cost (10^10) to its plan:
far past ``jit_above_cost``, ``jit_inline_above_cost`` and ``jit_optimize_above_cost``, so every call
compiled the statement with LLVM, inlined and optimised: about 2.3 s a call whatever the rows (measured
on 4,000 claims of an import batch: 2.3 s of compiling against 0.7 s of work), twice per batch of a
bulk import (its claims, then its citations). The plan is the same; only the compiling goes.
"""

from django.db import migrations

FUNCTION = "fogwatch_search_write_bulk(bigint[])"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER FUNCTION {FUNCTION} SET jit = off")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER FUNCTION {FUNCTION} RESET jit")


class Migration(migrations.Migration):
    dependencies = [("claims", "0019_leaner_claim_indexes")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
