"""Reports and data quality for the acting Care Location: live figures with charts and CSV exports, and
the list of its active records with what is missing or implausible in each.

Only a practitioner acting for the location sees them (`professional_view`): the figures are always the
acting location's own. Each table can be downloaded as CSV with `?export=<table>.csv`, written by
`maternity.http.csv_export` (which neutralises cells that a spreadsheet would run as formulas).

A CSV download is a spreadsheet for people: its column headers and row labels are in the language of the
page it is downloaded from, like the page. What a program might read in it stays as it is in every
language: dates as ISO 8601 (2026-12-04), numbers as numbers (a decimal point), the rules' codes. The audit
trail's words stay English.
"""

from datetime import date
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from maternity.charts.reports import bar_chart_svg
from maternity.database.replicas import lag_tolerant
from maternity.http.csv_export import csv_response
from maternity.reads import reports
from maternity.rules import data_quality

from ...models import AccessAction
from ..acting import professional_view

PAGE_SIZE = 25
BIRTHS = ngettext_lazy("%(count)d birth", "%(count)d births", "count")


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def chosen_period(params, today: date) -> tuple[reports.Period, str]:
    """The period from the `from` and `to` parameters (ISO dates, both included); the last 12 months when
    they are absent. A date that cannot be read, or a period that ends before it starts, gives the default
    and says why."""
    default = reports.Period.last_12_months(today)
    raw_from, raw_to = params.get("from", "").strip(), params.get("to", "").strip()
    if not raw_from and not raw_to:
        return default, ""
    start = _parse_date(raw_from) if raw_from else default.start
    end = _parse_date(raw_to) if raw_to else default.end
    if start is None or end is None:
        return default, _("A date could not be read (use YYYY-MM-DD): showing the last 12 months.")
    if end < start:
        return default, _("The period ends before it starts: showing the last 12 months.")
    return reports.Period(start, end), ""


def report_tables(report: reports.LocationReport) -> dict[str, tuple[list[str], list[list]]]:
    """Each exportable table: its header and rows, as on the page, in the page's language (dates ISO)."""
    births, booking, sfh, postnatal = report.births, report.booking, report.sfh, report.postnatal
    return {
        "expected-births": (
            [_("Week from"), _("Week to"), _("Expected births")],
            [[t.start.isoformat(), t.end.isoformat(), t.count] for t in report.expected],
        ),
        "births-by-outcome": ([_("Outcome"), _("Births")], [[t.label, t.count] for t in births.by_outcome]),
        "births-by-mode": ([_("Mode of birth"), _("Births")], [[t.label, t.count] for t in births.by_mode]),
        "booking-gestation": (
            [_("Gestation at booking"), _("Pregnancies")],
            [[t.label, t.count] for t in booking.bands] + [[_("Median"), booking.median]],
        ),
        "postnatal": (
            [_("Postnatal care"), _("Number")],
            [
                [_("Mothers' visits"), postnatal.mother_visits],
                [_("Mothers visited"), postnatal.mothers],
                [_("Mothers whose mood was checked (EPDS)"), postnatal.mood_checked],
                [_("Of them flagged (EPDS 13 or more, or item 10)"), postnatal.mood_flagged],
                [_("Mothers discharged from postnatal care"), postnatal.discharged],
                [_("Babies' visits"), postnatal.baby_visits],
                [_("Babies visited"), postnatal.babies],
                [
                    _("Babies who lost more than %(percent)s%% of their birth weight") % {"percent": 10},
                    postnatal.weight_loss_flagged,
                ],
            ],
        ),
        "summary": (
            [_("Figure"), _("Value")],
            [
                [_("Active pregnancies"), report.active],
                [_("Period from"), report.period.start.isoformat()],
                [_("Period to"), report.period.end.isoformat()],
                [_("Births in the period"), births.total],
                [_("Pregnancies booked in the period"), booking.booked],
                [_("Median gestation at booking"), booking.median],
                [_("Active records with an SFH the standard covers"), sfh.measured],
                [_("Of those, last SFH below the 3rd centile"), sfh.below_3rd],
                [_("Share below the 3rd centile (%)"), "" if sfh.percent is None else sfh.percent],
            ],
        ),
    }


def _export_name(value: str | None) -> str | None:
    if not value:
        return None
    if not value.endswith(".csv"):
        raise Http404("Exports are CSV: ?export=<table>.csv")
    return value.removesuffix(".csv")


def _filename(location, table: str, suffix: str) -> str:
    return f"{slugify(location.name)[:40] or 'location'}-{table}-{suffix}.csv"


@lag_tolerant
@professional_view(AccessAction.LIST)
def reports_page(request):
    today = timezone.localdate()
    location = request.actor.care_location
    period, period_error = chosen_period(request.GET, today)
    report = reports.location_report(location, today=today, period=period)
    tables = report_tables(report)
    request.audit.detail = (
        f"Reports of {location.name}: {report.active} active pregnancies; "
        f"period {period.start} to {period.end}."
    )
    export = _export_name(request.GET.get("export"))
    if export is not None:
        if export not in tables:
            raise Http404("No such table.")
        request.audit.detail += f" Exported {export}.csv."
        header, rows = tables[export]
        return csv_response(filename=_filename(location, export, today.isoformat()), header=header, rows=rows)
    period_query = urlencode({"from": period.start.isoformat(), "to": period.end.isoformat()})
    charts = {
        "expected": bar_chart_svg(
            [(t.label, t.count) for t in report.expected],
            chart_id="chart-expected",
            title=_("Expected births per week, next 12 weeks"),
            x_label=_("Week (by agreed EDD)"),
            y_label=_("Expected births"),
            unit=ngettext_lazy("%(count)d expected birth", "%(count)d expected births", "count"),
        ),
        "outcome": bar_chart_svg(
            [(t.label, t.count) for t in report.births.by_outcome],
            chart_id="chart-outcome",
            title=_("Births in the period by outcome"),
            x_label=_("Outcome"),
            y_label=_("Births"),
            unit=BIRTHS,
        ),
        "mode": bar_chart_svg(
            [(t.label, t.count) for t in report.births.by_mode],
            chart_id="chart-mode",
            title=_("Births in the period by mode of birth"),
            x_label=_("Mode of birth"),
            y_label=_("Births"),
            unit=BIRTHS,
        ),
        "booking": bar_chart_svg(
            [(t.label, t.count) for t in report.booking.bands],
            chart_id="chart-booking",
            title=_("Gestation at booking, pregnancies booked in the period"),
            x_label=_("Gestation at the first appointment"),
            y_label=_("Pregnancies"),
            unit=ngettext_lazy("%(count)d pregnancy", "%(count)d pregnancies", "count"),
        ),
    }
    return render(
        request,
        "maternity/reports/reports.html",
        {
            "nav": "reports",
            "report": report,
            "charts": charts,
            "period_error": period_error,
            "period_query": period_query,
            "from_value": request.GET.get("from", period.start.isoformat())[:10],
            "to_value": request.GET.get("to", period.end.isoformat())[:10],
        },
    )


def quality_tables(summary, results) -> dict[str, tuple[list[str], list[list]]]:
    return {
        "records": (
            [
                _("Record"),
                _("Name"),
                _("National ID"),
                _("Completeness (%)"),
                _("Rules passed"),
                _("Missing or implausible"),
            ],
            [
                [
                    str(r.facts.record_id),
                    r.facts.name,
                    r.facts.national_id,
                    r.completeness,
                    f"{r.passed}/{len(data_quality.RULES)}",
                    "; ".join(f.rule.label for f in r.failures),
                ]
                for r in results
            ],
        ),
        "rules": (
            [_("Rule"), _("Checks"), _("Records failing")],
            [[c.rule.code, c.rule.description, c.failing] for c in summary.by_rule],
        ),
    }


@lag_tolerant
@professional_view(AccessAction.LIST)
def data_quality_page(request):
    today = timezone.localdate()
    location = request.actor.care_location
    sort = request.GET.get("sort")
    sort = sort if sort in data_quality.SORTS else data_quality.DEFAULT_SORT
    summary, results = data_quality.location_quality(location, today=today, sort=sort)
    request.audit.detail = f"Data quality of {location.name}: {summary.checked} active records checked."
    export = _export_name(request.GET.get("export"))
    if export is not None:
        tables = quality_tables(summary, results)
        if export not in tables:
            raise Http404("No such table.")
        request.audit.detail += f" Exported {export}.csv."
        header, rows = tables[export]
        return csv_response(
            filename=_filename(location, f"data-quality-{export}", today.isoformat()),
            header=header,
            rows=rows,
        )
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    other = "-completeness" if sort == "completeness" else "completeness"
    return render(
        request,
        "maternity/reports/data_quality.html",
        {
            "nav": "reports",
            "summary": summary,
            "location_findings": data_quality.location_findings(location),
            "rules": data_quality.RULES,
            "page": page,
            "sort": sort,
            "sort_url": f"?{urlencode({'sort': other})}",
            "sort_direction": "ascending" if sort == "completeness" else "descending",
            "page_query": urlencode({"sort": sort}) if sort != data_quality.DEFAULT_SORT else "",
            "today": today,
        },
    )
