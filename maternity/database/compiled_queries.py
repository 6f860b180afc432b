"""Querysets compiled to SQL once, then run with new values: for the few queries every request makes.

Django compiles a queryset to SQL on every evaluation; for the record read's one query (visibility, the
patient match and the document) and the token lookup that is most of their cost. A `CompiledQuery` builds
its queryset with stand-in values, keeps the SQL Django wrote and where each stand-in went among the
parameters, and from then on runs that same SQL with the real values. The SQL is still the ORM's own, so
the rules it encodes (e.g. `access.stakeholder_condition`) live in one place.

A query whose SQL shape depends on its values (a professional with or without a Care Location, say) names
the shape; each shape is compiled once.

On PostgreSQL each compiled query is also a server-side prepared statement (`PREPARE` once per database
connection, then `EXECUTE`), so PostgreSQL plans it once per connection instead of on every request: for
the record read that was three quarters of its database time (docs/performance.md). Behind a pooler in
transaction mode (PgBouncer), a statement prepared on one server connection is not there on the next, so
the setting `DATABASE_PREPARED_STATEMENTS` (environment variable of the same name) turns this off.

A `CompiledQuery` reads where the database router sends a read of its model (a replica, for a lag-tolerant
request: maternity/database/replicas.py) when a router is installed, else on "default"; it is compiled,
prepared and its instances made for that connection. `CompiledInsert` and `CompiledUpdate` write on
"default", the primary.
"""

import hashlib
import re
import threading
import uuid
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.db.models.query import get_related_populators
from django.db.models.sql import InsertQuery


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
    model_fields: slice = field(default_factory=lambda: slice(0))  # for model instances: the model's columns
    converters: dict = field(default_factory=dict)  # the fields' converters, by column (found once)
    prepared: "_Prepared | None" = None  # PostgreSQL: the statement as prepared once per connection


_PLACEHOLDER = re.compile(r"%%|%s")


@dataclass(frozen=True)
class _Prepared:
    """A server-side prepared statement for a compiled query's SQL: its name (the SQL's digest, so one
    SQL is prepared once per connection whichever query compiled it), `PREPARE` and `EXECUTE` with the
    same parameters as the SQL."""

    name: str
    prepare: str
    execute: str

    @classmethod
    def on_this_connection(cls, sql: str, db: BaseDatabaseWrapper) -> "_Prepared | None":
        """The statement to prepare for `sql` on `db`, or None where statements are not prepared (not
        PostgreSQL, or `DATABASE_PREPARED_STATEMENTS` off)."""
        if db.vendor != "postgresql" or not settings.DATABASE_PREPARED_STATEMENTS:
            return None
        return cls.of(sql)

    @classmethod
    def of(cls, sql: str) -> "_Prepared":
        count = 0

        def number(match: re.Match) -> str:
            nonlocal count
            if match.group() == "%%":
                return "%%"  # stays escaped: psycopg2 formats the whole PREPARE ...; EXECUTE ... text
            count += 1
            return f"${count}"

        name = "cq_" + hashlib.sha256(sql.encode()).hexdigest()[:24]
        _STATEMENTS[name] = sql
        body = _PLACEHOLDER.sub(number, sql)
        arguments = f"({', '.join(['%s'] * count)})" if count else ""
        return cls(name, f"PREPARE {name} AS {body}", f"EXECUTE {name}{arguments}")


_STATEMENTS: dict[str, str] = {}  # prepared statement name -> its SQL, for `readable`


def readable(sql: str) -> str:
    """The SQL behind an `EXECUTE` of a compiled query (as a query log or a test sees it); other SQL as
    it is."""
    if sql.startswith(("EXECUTE cq_", "PREPARE cq_")):
        name = sql.split(maxsplit=2)[1].split("(")[0]
        return _STATEMENTS.get(name, sql)
    return sql


def _prepared_names(db: BaseDatabaseWrapper) -> set[str]:
    """The statements prepared on this thread's connection to `db` (a new connection has none)."""
    raw = db.connection
    known = getattr(db, "_compiled_prepared", None)  # on the thread's own connection, not the proxy
    if known is None or known[0] is not raw:
        known = (raw, set())
        # our own attribute, on the thread's connection (the stubs know only Django's)
        db._compiled_prepared = known  # type: ignore[attr-defined]
    return known[1]


def _execute(cursor, compiled: "_Compiled", parameters: list, db: BaseDatabaseWrapper) -> None:
    prepared = compiled.prepared
    if prepared is None:
        cursor.execute(compiled.sql, parameters)
        return
    names = _prepared_names(db)
    if prepared.name in names:
        cursor.execute(prepared.execute, parameters)
    else:  # one round trip: prepare it and run it
        cursor.execute(f"{prepared.prepare}; {prepared.execute}", parameters)
        names.add(prepared.name)


def _shape(fixed: dict[str, Hashable], values: dict[str, Any]) -> tuple:
    """What makes a query's SQL: its fixed arguments, and which values are given (not what they are)."""
    return tuple(sorted(fixed.items())), tuple(sorted(values))


class CompiledQuery:
    """`build(**fixed, **values) -> QuerySet`, compiled once per shape: per set of `fixed` arguments
    (which shape the SQL, such as the kind of actor) and of `values` names given. `first` returns a row of
    a `values_list` queryset; `first_object` the model instance (with its `select_related` objects) of a
    model queryset, as the ORM would build it. Compiled per thread and per database alias: the compiler
    belongs to the thread's connection to that database."""

    def __init__(self, build: Callable[..., QuerySet]):
        self._build = build
        self._local = threading.local()
        self._models: dict[tuple, type[models.Model]] = {}  # each shape's model, for the router

    def _database(
        self, shape: tuple, fixed: dict[str, Hashable], values: dict[str, Any]
    ) -> BaseDatabaseWrapper:
        """Where to read: "default", unless a router is installed (then its choice for the model)."""
        if not settings.DATABASE_ROUTERS:
            return connection
        model = self._models.get(shape)
        if model is None:  # once per shape: building a queryset runs no query
            model = self._models[shape] = self._build(**fixed, **values).model
        return connections[router.db_for_read(model)]

    def _compiled_for(
        self,
        db: BaseDatabaseWrapper,
        shape: tuple,
        fixed: dict[str, Hashable],
        values: dict[str, Any],
        *,
        objects: bool,
    ) -> _Compiled:
        cache = self._local.__dict__.setdefault("compiled", {})
        key = (db.alias, db.vendor, objects, shape)
        compiled = cache.get(key)
        if compiled is None:
            compiled = cache[key] = self._compile(db, fixed, values, objects=objects)
        return compiled

    def _compile(
        self, db: BaseDatabaseWrapper, fixed: dict[str, Hashable], values: dict[str, Any], *, objects: bool
    ) -> _Compiled:
        make = _StandIn()
        stand_ins = {name: make.value_like(value) for name, value in values.items()}
        queryset = self._build(**fixed, **stand_ins)
        compiler = queryset.query.get_compiler(connection=db)
        sql, parameters = compiler.as_sql()
        slots = []
        for parameter in parameters:
            slot = _slot_of(parameter, stand_ins)
            slots.append(slot if slot is not None else (None, parameter))  # a constant of the query
        compiled = _Compiled(sql, slots, prepared=_Prepared.on_this_connection(sql, db))
        if objects:  # as django.db.models.query.ModelIterable does
            select, klass_info = compiler.select, compiler.klass_info
            fields = klass_info["select_fields"]
            compiled.compiler = compiler
            compiled.model_fields = slice(fields[0], fields[-1] + 1)
            compiled.init_list = [column[0].target.attname for column in select[compiled.model_fields]]
            # the stubs describe Django 6, whose get_related_populators takes a fetch mode (5.2's does not)
            compiled.populators = get_related_populators(  # type: ignore[call-arg]
                klass_info, select, db.alias
            )
            compiled.converters = compiler.get_converters([column[0] for column in select])
        return compiled

    def _row(self, db: BaseDatabaseWrapper, compiled: _Compiled, values: dict[str, Any]) -> tuple | None:
        parameters = [
            convert(values[name]) if name is not None else convert for name, convert in compiled.slots
        ]
        with db.cursor() as cursor:
            _execute(cursor, compiled, parameters, db)
            return cursor.fetchone()

    def first(self, *, fixed: dict[str, Hashable] | None = None, **values) -> tuple | None:
        """The first row for these values, or None."""
        fixed = fixed or {}
        shape = _shape(fixed, values)
        db = self._database(shape, fixed, values)
        return self._row(db, self._compiled_for(db, shape, fixed, values, objects=False), values)

    def first_object(self, *, fixed: dict[str, Hashable] | None = None, **values):
        """The first model instance for these values, or None."""
        fixed = fixed or {}
        shape = _shape(fixed, values)
        db = self._database(shape, fixed, values)
        compiled = self._compiled_for(db, shape, fixed, values, objects=True)
        row = self._row(db, compiled, values)
        if row is None:
            return None
        if compiled.converters:  # the fields' converters (e.g. UUIDs on SQLite)
            [row] = compiled.compiler.apply_converters([row], compiled.converters)
        model = compiled.compiler.klass_info["model"]
        instance = model.from_db(db.alias, compiled.init_list, row[compiled.model_fields])
        for populator in compiled.populators:
            populator.populate(row, instance)
        return instance


def _plain_text(field) -> bool:
    """A CharField or TextField whose conversions are Django's own, which turn a str into itself."""
    kind = type(field)
    return (
        isinstance(field, (models.CharField, models.TextField))
        and kind.get_db_prep_save is models.Field.get_db_prep_save
        and kind.get_db_prep_value is models.Field.get_db_prep_value
        and kind.get_prep_value in (models.CharField.get_prep_value, models.TextField.get_prep_value)
    )


class _CompiledWrite:
    """A write statement of one model, built once per thread and database vendor (`_build`). Run on
    "default", the primary, router or not."""

    def __init__(self, model):
        self.model = model
        self._local = threading.local()

    def _compiled(self) -> tuple[_Compiled, list]:
        cache = self._local.__dict__.setdefault("compiled", {})
        found = cache.get(connection.vendor)
        if found is None:
            sql, fields = self._build(self.model._meta)
            compiled = _Compiled(sql, [], prepared=_Prepared.on_this_connection(sql, connection))
            found = cache[connection.vendor] = (compiled, fields)
        return found

    def _build(self, meta) -> tuple[str, list]:
        raise NotImplementedError


class CompiledInsert(_CompiledWrite):
    """`save(instance)` inserts a new row of one model with the INSERT the ORM writes for it, compiled once
    per thread (and prepared on PostgreSQL), and sets the instance's primary key from the database: for
    rows written on every request (the audit entry). Values are converted by each field, as the ORM does.
    No signals are sent and the model's `save` is not called: for models that need neither."""

    def _build(self, meta) -> tuple[str, list]:
        fields = [field for field in meta.local_concrete_fields if not field.primary_key]
        query = InsertQuery(self.model)
        query.insert_values(fields, [self.model()])
        compiler = query.get_compiler(connection=connection)
        compiler.returning_fields = [meta.pk]
        [(sql, _)] = compiler.as_sql()
        return sql, [(field, _plain_text(field)) for field in fields]

    def save(self, instance) -> None:
        compiled, fields = self._compiled()
        parameters = []
        for column, plain_text in fields:
            value = getattr(instance, column.attname)
            # A str for a plain text field is what the field's conversion would return: skip it
            parameters.append(
                value if plain_text and type(value) is str else column.get_db_prep_save(value, connection)
            )
        with connection.cursor() as cursor:
            _execute(cursor, compiled, parameters, connection)
            [pk] = cursor.fetchone()
        instance.pk = instance._meta.pk.to_python(pk)
        instance._state.adding, instance._state.db = False, connection.alias


class CompiledUpdate(_CompiledWrite):
    """`save(instance)` writes the columns of an existing row by its primary key, as `Model.save` does for
    a row that exists, with one UPDATE built once per thread (and prepared on PostgreSQL): every column, or
    only `fields`, and `increment`: columns that move by one in the database (`F("revision") + 1`). Values
    are converted by each field (`pre_save`, then `get_db_prep_save`), as the ORM does. No signals are
    sent: for the write path that writes its own history row (`services/versioning.py`)."""

    def __init__(self, model, *, fields: list[str] | None = None, increment: tuple[str, ...] = ()):
        super().__init__(model)
        self.field_names = fields
        self.increment = increment

    def _build(self, meta) -> tuple[str, list]:
        fields = (
            [meta.get_field(name) for name in self.field_names]
            if self.field_names is not None
            else [field for field in meta.local_concrete_fields if not field.primary_key]
        )
        quote = connection.ops.quote_name
        moved = [quote(meta.get_field(name).column) for name in self.increment]
        assignments = [f"{quote(field.column)} = %s" for field in fields]
        assignments += [f"{column} = {column} + 1" for column in moved]
        sql = f"UPDATE {quote(meta.db_table)} SET {', '.join(assignments)} WHERE {quote(meta.pk.column)} = %s"
        return sql, fields

    def save(self, instance) -> None:
        compiled, fields = self._compiled()
        parameters = [field.get_db_prep_save(field.pre_save(instance, False), connection) for field in fields]
        parameters.append(instance._meta.pk.get_db_prep_value(instance.pk, connection))
        with connection.cursor() as cursor:
            _execute(cursor, compiled, parameters, connection)
            if cursor.rowcount != 1:
                updated = cursor.rowcount
                raise DatabaseError(f"{self.model.__name__} {instance.pk}: {updated} rows updated, not 1.")
