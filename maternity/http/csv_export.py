"""Every CSV download the project offers is written here, so no cell can smuggle a formula into a
spreadsheet (CSV or formula injection, OWASP "CSV Injection").

A spreadsheet that opens a CSV file runs a cell that begins with `=`, `+`, `-` or `@` as a formula, and a
leading tab or carriage return can hide such a start. The exports hold names and national IDs typed by
people and client systems, so every text cell that begins with one of those characters gets a single
quote in front (OWASP's advice): the spreadsheet shows the text as typed, with the quote, and runs
nothing. Every text cell is also quoted, so a comma, quote or line break inside it keeps it one cell.

Numbers the code itself puts in a table (`int`, `float`, `Decimal`) are written as numbers, unquoted,
also when negative: a number cannot hold a formula, and a spreadsheet must be able to add them up. Text
that only looks like a number ("-5" typed into a name) is text and is escaped like any other.

The header and the labels a caller gives are in the language of the page the file is downloaded from (a
spreadsheet is for people); what a program might read stays the same in every language: numbers are written
by `csv` (a decimal point), dates and codes as the caller gives them (ISO 8601, the rules' codes).
"""

import csv
from collections.abc import Iterable
from decimal import Decimal

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe_cell(value: object) -> object:
    """The value as it may go into a CSV cell: numbers as they are, None as an empty cell, anything else as
    text, with a single quote in front when it would start a formula."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_rows(header: list[str], rows: Iterable[Iterable[object]]) -> Iterable[list[object]]:
    yield [csv_safe_cell(cell) for cell in header]
    for row in rows:
        yield [csv_safe_cell(cell) for cell in row]


def csv_response(*, filename: str, header: list[str], rows: Iterable[Iterable[object]]) -> HttpResponse:
    """A CSV download: UTF-8, every text cell quoted and neutralised, numbers as numbers."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    csv.writer(response, quoting=csv.QUOTE_NONNUMERIC).writerows(csv_rows(header, rows))
    return response
