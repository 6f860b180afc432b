"""Querysets compiled to SQL once, then run with new values: for the few queries every request makes.

Django compiles a queryset to SQL on every evaluation; for the record read's one query (visibility, the
patient match and the document) and the token lookup that is most of their cost. A `CompiledQuery` builds
its queryset with stand-in values, keeps the SQL Django wrote and where each stand-in went among the
parameters, and from then on runs that same SQL with the real values. The SQL is still the ORM's own, so
the rules it encodes (e.g. `access.stakeholder_condition`) live in one place.

A query whose SQL shape depends on its values (a professional with or without a Care Location, say) names
the shape; each shape is compiled once.
"""

import uuid
from collections.abc import Callable, Hashable
from typing import Any

from django.db import connection
from django.db.models import QuerySet


class _StandIn:
    """Values no real call uses, each told apart from the others among the compiled parameters."""

    def __init__(self):
        self._next = 0

    def value_like(self, value: Any) -> Any:
        self._next += 1
        if isinstance(value, bool):
            raise TypeError("A boolean parameter cannot be told apart; make it part of the shape.")
        if isinstance(value, uuid.UUID):
            return uuid.UUID(int=(1 << 127) + self._next)
        if isinstance(value, int):
            return -(10**12) - self._next
        if isinstance(value, str):
            return f"\x01stand-in {self._next}\x01"
        raise TypeError(f"No stand-in for a {type(value).__name__} parameter.")


def _slot_of(parameter: Any, stand_ins: dict[str, Any]) -> tuple[str, Callable[[Any], Any]] | None:
    """Which value a compiled parameter is, and how the database layer had converted it."""
    for name, stand_in in stand_ins.items():
        if parameter == stand_in:
            return name, lambda value: value
        if isinstance(stand_in, uuid.UUID):
            if parameter == str(stand_in):
                return name, lambda value: str(uuid.UUID(str(value)))
            if parameter == stand_in.hex:
                return name, lambda value: uuid.UUID(str(value)).hex
    return None


class CompiledQuery:
    """`build(**fixed, **values) -> QuerySet` (a `values_list`), compiled once per shape: per set of
    `fixed` arguments (which shape the SQL, such as the kind of actor) and of `values` names given."""

    def __init__(self, build: Callable[..., QuerySet]):
        self._build = build
        self._compiled: dict[tuple, tuple[str, list]] = {}

    def _compile(self, fixed: dict[str, Hashable], values: dict[str, Any]) -> tuple[str, list]:
        make = _StandIn()
        stand_ins = {name: make.value_like(value) for name, value in values.items()}
        queryset = self._build(**fixed, **stand_ins)
        sql, parameters = queryset.query.get_compiler(connection=connection).as_sql()
        slots = []
        for parameter in parameters:
            slot = _slot_of(parameter, stand_ins)
            slots.append(slot if slot is not None else (None, parameter))  # a constant of the query
        return sql, slots

    def first(self, *, fixed: dict[str, Hashable] | None = None, **values) -> tuple | None:
        """The first row for these values, or None."""
        fixed = fixed or {}
        key = (connection.vendor, tuple(sorted(fixed.items())), tuple(sorted(values)))
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._compile(fixed, values)
        sql, slots = compiled
        parameters = [convert(values[name]) if name is not None else convert for name, convert in slots]
        with connection.cursor() as cursor:
            cursor.execute(sql, parameters)
            return cursor.fetchone()
