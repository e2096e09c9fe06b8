"""``field__any_of=[...]``: membership in a long list of ids as one array parameter on PostgreSQL
(``id = ANY(%s)``), so a list of thousands of ids costs one parameter, not thousands to build,
send and plan; ``IN (...)`` elsewhere."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import ForeignKey, IntegerField, Lookup


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def _values(self) -> list[int]:
        values = [int(value) for value in self.rhs]
        if not values:
            raise EmptyResultSet
        return values

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = self._values()
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, self._values()]


IntegerField.register_lookup(AnyOf)  # and so every integer field and primary key below it
ForeignKey.register_lookup(AnyOf)  # ``target__any_of`` / ``target_id__any_of``: the id column
