"""A region's reports and data quality, for its viewers (maternity/reads/regional.py): the figures of its
Care Locations side by side and together, small numbers suppressed, on the page and in the CSV downloads
(`?export=<table>.csv`, written by `maternity.http.csv_export`). Nothing shown names or singles out a
person.

The period is whole calendar months (`from` and `to`: YYYY-MM, both included), by default the 12 complete
months before this one: a month is the smallest period a regional figure is given for, so two periods a day
apart cannot be compared to find one birth on one day. A month that cannot be read, or a period that ends
before it starts, is refused (400) and nothing is read.
"""

import calendar
from datetime import date
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from maternity.database.replicas import lag_tolerant
from maternity.http.csv_export import csv_response
from maternity.reads import regional, reports
from maternity.rules.suppression import HIDDEN_MEANS, SUPPRESSED_MEANS

from ..regional import regional_view

FIRST_YEAR, LAST_YEAR = 2000, 2100  # months outside these are not a maternity report's


class BadPeriod(ValueError):
    pass


def _month(value: str) -> tuple[int, int]:
    year, _dash, month = value.partition("-")
    if not (len(year) == 4 and year.isascii() and year.isdigit() and month.isascii() and month.isdigit()):
        raise BadPeriod(value)
    if not (FIRST_YEAR <= int(year) <= LAST_YEAR and 1 <= int(month) <= 12 and len(month) == 2):
        raise BadPeriod(value)
    return int(year), int(month)


def default_months(today: date) -> reports.Period:
    """The 12 complete months before this one."""
    end = today.replace(day=1)
    end_year, end_month = (end.year, end.month - 1) if end.month > 1 else (end.year - 1, 12)
    start_year, start_month = (end_year - 1, end_month + 1) if end_month < 12 else (end_year, 1)
    return months(start_year, start_month, end_year, end_month)


def months(start_year: int, start_month: int, end_year: int, end_month: int) -> reports.Period:
    last_day = calendar.monthrange(end_year, end_month)[1]
    return reports.Period(date(start_year, start_month, 1), date(end_year, end_month, last_day))


def chosen_months(params, today: date) -> reports.Period:
    """The period from `from` and `to` (YYYY-MM); the default for what is absent. BadPeriod when a month
    cannot be read or the period ends before it starts."""
    default = default_months(today)
    raw_from, raw_to = params.get("from", "").strip(), params.get("to", "").strip()
    start = _month(raw_from) if raw_from else (default.start.year, default.start.month)
    end = _month(raw_to) if raw_to else (default.end.year, default.end.month)
    if end < start:
        raise BadPeriod(f"{raw_from} {raw_to}")
    return months(*start, *end)


def _export_name(value: str | None) -> str | None:
    if not value:
        return None
    if not value.endswith(".csv"):
        raise Http404("Exports are CSV: ?export=<table>.csv")
    return value.removesuffix(".csv")


def _export(request, report: regional.Report, export: str, part: str):
    tables = {table.slug: table for table in report.tables}
    if export not in tables:
        raise Http404("No such table.")
    request.audit.add_detail(f"Exported {export}.csv.")
    table = tables[export]
    name = f"{slugify(report.region.code)[:40] or 'region'}-{part}{export}-{report.today.isoformat()}.csv"
    return csv_response(
        filename=name,
        header=[table.label, *report.columns],
        rows=[[row.label, *row.values] for row in table.rows],
    )


def _context(report: regional.Report, **extra) -> dict:
    return {
        "report": report,
        "region": report.region,
        "columns": report.columns,
        "suppressed_means": SUPPRESSED_MEANS,
        "hidden_means": HIDDEN_MEANS,
        **extra,
    }


@lag_tolerant
@regional_view
def region_reports(request):
    region = request.region
    today = timezone.localdate()
    request.audit.detail = f"Regional reports of {region.name} ({region.code})."
    try:
        period = chosen_months(request.GET, today)
    except BadPeriod:
        request.audit.add_detail("Refused: a month could not be read or the period ends before it starts.")
        message = _("Give the period as months (YYYY-MM), the first one not after the last.")
        return render(
            request, "maternity/regions/bad_period.html", {"message": message, "region": region}, status=400
        )
    report = regional.regional_report(region, today=today, period=period)
    request.audit.add_detail(
        f"{len(report.locations)} Care Locations; period {period.start} to {period.end}; "
        f"{report.suppressed} counts suppressed."
    )
    export = _export_name(request.GET.get("export"))
    if export is not None:
        return _export(request, report, export, "")
    query = urlencode({"from": f"{period.start:%Y-%m}", "to": f"{period.end:%Y-%m}"})
    return render(
        request,
        "maternity/regions/reports.html",
        _context(
            report,
            period_query=query,
            from_value=f"{period.start:%Y-%m}",
            to_value=f"{period.end:%Y-%m}",
        ),
    )


@lag_tolerant
@regional_view
def region_quality(request):
    region = request.region
    today = timezone.localdate()
    request.audit.detail = f"Regional data quality of {region.name} ({region.code})."
    report = regional.regional_quality(region, today=today)
    request.audit.add_detail(
        f"{len(report.locations)} Care Locations; {report.suppressed} counts suppressed."
    )
    export = _export_name(request.GET.get("export"))
    if export is not None:
        return _export(request, report, export, "data-quality-")
    return render(request, "maternity/regions/data_quality.html", _context(report))


@login_required
def region_list(request):
    """The regions the signed-in user may read (none: an empty list). Touches no record: not audited, as
    the choose-location page is not."""
    regions = list(regional.regions_of(request.user).prefetch_related("care_locations"))
    return render(request, "maternity/regions/list.html", {"regions": regions, "nav": "regions"})
