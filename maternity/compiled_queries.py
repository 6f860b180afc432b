"""Querysets compiled to SQL once, then run with new values: for the few queries every request makes.

Django compiles a queryset to SQL on every evaluation; for the record read's one query (visibility, the
patient match and the document) and the token lookup that is most of their cost. A `CompiledQuery` builds
its queryset with stand-in values, keeps the SQL Django wrote and where each stand-in went among the
parameters, and from then on runs that same SQL with the real values. The SQL is still the ORM's own, so
the rules it encodes (e.g. `access.stakeholder_condition`) live in one place.

A query whose SQL shape depends on its values (a professional with or without a Care Location, say) names
the shape; each shape is compiled once.
"""

import threading
import uuid
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.db.models.query import get_related_populators


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


@dataclass
class _Compiled:
    sql: str
    slots: list
    compiler: Any = None  # for model instances: how Django turns a row into objects
    init_list: list = field(default_factory=list)
    populators: list = field(default_factory=list)
    model_fields: slice | None = None


class CompiledQuery:
    """`build(**fixed, **values) -> QuerySet`, compiled once per shape: per set of `fixed` arguments
    (which shape the SQL, such as the kind of actor) and of `values` names given. `first` returns a row of
    a `values_list` queryset; `first_object` the model instance (with its `select_related` objects) of a
    model queryset, as the ORM would build it. Compiled per thread: the compiler belongs to the thread's
    database connection."""

    def __init__(self, build: Callable[..., QuerySet]):
        self._build = build
        self._local = threading.local()

    def _compiled_for(
        self, fixed: dict[str, Hashable], values: dict[str, Any], *, objects: bool
    ) -> _Compiled:
        cache = self._local.__dict__.setdefault("compiled", {})
        key = (connection.vendor, objects, tuple(sorted(fixed.items())), tuple(sorted(values)))
        compiled = cache.get(key)
        if compiled is None:
            compiled = cache[key] = self._compile(fixed, values, objects=objects)
        return compiled

    def _compile(self, fixed: dict[str, Hashable], values: dict[str, Any], *, objects: bool) -> _Compiled:
        make = _StandIn()
        stand_ins = {name: make.value_like(value) for name, value in values.items()}
        queryset = self._build(**fixed, **stand_ins)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, parameters = compiler.as_sql()
        slots = []
        for parameter in parameters:
            slot = _slot_of(parameter, stand_ins)
            slots.append(slot if slot is not None else (None, parameter))  # a constant of the query
        compiled = _Compiled(sql, slots)
        if objects:  # as django.db.models.query.ModelIterable does
            select, klass_info = compiler.select, compiler.klass_info
            fields = klass_info["select_fields"]
            compiled.compiler = compiler
            compiled.model_fields = slice(fields[0], fields[-1] + 1)
            compiled.init_list = [column[0].target.attname for column in select[compiled.model_fields]]
            compiled.populators = get_related_populators(klass_info, select, connection.alias)
        return compiled

    def _row(self, compiled: _Compiled, values: dict[str, Any]) -> tuple | None:
        parameters = [
            convert(values[name]) if name is not None else convert for name, convert in compiled.slots
        ]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, parameters)
            return cursor.fetchone()

    def first(self, *, fixed: dict[str, Hashable] | None = None, **values) -> tuple | None:
        """The first row for these values, or None."""
        fixed = fixed or {}
        return self._row(self._compiled_for(fixed, values, objects=False), values)

    def first_object(self, *, fixed: dict[str, Hashable] | None = None, **values):
        """The first model instance for these values, or None."""
        fixed = fixed or {}
        compiled = self._compiled_for(fixed, values, objects=True)
        row = self._row(compiled, values)
        if row is None:
            return None
        [row] = compiled.compiler.results_iter([[row]])  # the fields' converters (e.g. UUIDs on SQLite)
        model = compiled.compiler.klass_info["model"]
        instance = model.from_db(connection.alias, compiled.init_list, row[compiled.model_fields])
        for populator in compiled.populators:
            populator.populate(row, instance)
        return instance
