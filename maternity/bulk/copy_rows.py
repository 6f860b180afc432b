"""Rows for PostgreSQL COPY, built from a Django model's columns.

A `Table` knows a model's columns (by attribute name), the encoded default of each, and how to add a
row given only the values that differ. Columns the database fills itself (serial ids) are left out.
Encoding follows COPY's text format: tab-separated, `\\N` for NULL, backslash escapes.
"""

import io
import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.db import models

NULL = "\\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def encode(value: object) -> str:
    by_type = _BY_TYPE.get(type(value))
    if by_type is not None:
        return by_type(value)
    if value is None:
        return NULL
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, (int, float, UUID)):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, dict)):
        return json.dumps(value).translate(_ESCAPES)
    raise TypeError(f"cannot COPY {value!r}")


_BY_TYPE: dict[type, Callable[[Any], str]] = {
    str: lambda value: value.translate(_ESCAPES),
    int: str,
    float: str,
    UUID: str,
    bool: lambda value: "t" if value else "f",
    datetime: datetime.isoformat,
    date: date.isoformat,
    type(None): lambda value: NULL,
}


class Table:
    def __init__(self, model: type[models.Model], *, omit: tuple[str, ...] = (), serial_given: bool = False):
        """`serial_given`: the generator gives the serial id itself (ids reserved beforehand)."""
        self.name = model._meta.db_table
        fields = [
            f
            for f in model._meta.concrete_fields
            if f.attname not in omit
            and (serial_given or not isinstance(f, (models.AutoField, models.BigAutoField)))
        ]
        self.attnames = [f.attname for f in fields]
        self.columns = [f.column for f in fields]
        self.index = {name: i for i, name in enumerate(self.attnames)}
        self.defaults = [encode(_default(f)) for f in fields]
        self.buffer = io.StringIO()
        self.count = 0

    def add(self, values: dict, encoded: dict[str, str] | None = None) -> None:
        """A row: `values` by attribute name, `encoded` values already encoded (shared by many rows)."""
        parts = list(self.defaults)
        index = self.index
        if encoded:
            for name, text in encoded.items():
                parts[index[name]] = text
        for name, value in values.items():
            parts[index[name]] = encode(value)
        self.buffer.write("\t".join(parts))
        self.buffer.write("\n")
        self.count += 1

    def copy_to(self, cursor) -> int:
        """COPY the rows added so far and start empty again. Returns how many were copied."""
        count, self.count = self.count, 0
        if count:
            self.buffer.seek(0)
            columns = ", ".join(f'"{column}"' for column in self.columns)
            cursor.copy_expert(f'COPY "{self.name}" ({columns}) FROM STDIN', self.buffer)
        self.buffer = io.StringIO()
        return count


def _default(field: models.Field):
    if field.has_default():
        if field.default in (list, dict):
            return field.default()
        return None if callable(field.default) else field.default
    if field.null:
        return None
    if isinstance(field, (models.CharField, models.TextField)):
        return ""
    return None  # NOT NULL without a default: the generator must give it
