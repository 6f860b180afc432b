"""A region's reports and data quality (issue 23): the figures of its Care Locations, side by side and
together, with small numbers suppressed (maternity/rules/suppression.py). Counts only: nothing here reads a
name, an identifier, a record id or a date of birth into what is shown.

Who may read a region: its viewers, and the national administration (superusers). Anyone else is told the
region does not exist (`region_for`), as a record is to a non-stakeholder.

The figures are the locations' own (maternity/reads/reports.py, maternity/rules/data_quality.py, grouped by
location in the same queries): nine queries for the reports, two for the data quality, plus the region and
its locations, however many locations and records.

What the page and the CSV show is one `Table` per part, built here once: the first column a label, then a
column per location, then the region's. Every count is a `Cell` of one suppression over the whole report,
so a figure shown in two tables (the births, the booked) is shown the same in both, and the lines that
add up (each row across the locations and the region; each column of a table whose rows make its total)
are protected together. A median is shown only over 5 or more, a percentage only when both its counts are,
and the region's average completeness only when the locations whose own is hidden cover 5 or more records
together (else it and the shown ones would give theirs away).
"""

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from maternity.errors import NotFound
from maternity.models import CareLocation, Region
from maternity.reads import reports
from maternity.rules import data_quality
from maternity.rules.suppression import THRESHOLD, Cell, share, summary_shown, suppress
from maternity.rules.wording import worded

ALL = "all"  # the region's column
Column = int | str  # a location's id, or ALL
NO_SUCH_REGION = worded("There is no region with that code that you may see.")


def regions_of(user: User | AnonymousUser) -> QuerySet[Region]:
    """The regions whose reports the user may read: hers as a viewer; every one for a superuser."""
    if not user.is_authenticated or not user.is_active:
        return Region.objects.none()
    if user.is_superuser:
        return Region.objects.all()
    return Region.objects.filter(viewers=user)


def region_for(user: User | AnonymousUser, code: str) -> Region:
    """The region with that code if the user may read it, else NotFound (the same for one that does not
    exist: nobody learns which regions there are)."""
    region = regions_of(user).filter(code=code).first()
    if region is None:
        raise NotFound(NO_SUCH_REGION)
    return region


def locations_of(region: Region) -> list[CareLocation]:
    return list(region.care_locations.order_by("name", "pk"))


# --- the tables ---------------------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    values: list[int | float | str | None]  # per location, then the region; None: not shown ("–")
    key: str = ""  # for the page's data attributes and the tests


@dataclass
class Table:
    slug: str  # the export's name: ?export=<slug>.csv
    title: str
    label: str  # the first column's header
    rows: list[Row] = field(default_factory=list)


@dataclass
class Report:
    region: Region
    locations: list[CareLocation]
    today: date
    period: reports.Period
    tables: list[Table]
    suppressed: int = 0  # how many counts are "<5" or "*" (the page says so)

    @property
    def columns(self) -> list[str]:
        return [location.name for location in self.locations] + [_("All locations")]

    def table(self, slug: str) -> Table:
        return next(table for table in self.tables if table.slug == slug)


class _Cells:
    """The counts of a report under their keys (figure, column), and the lines that add up; suppressed
    together once every count is in."""

    def __init__(self, columns: list[Column]):
        self.columns = columns  # location ids, then ALL
        self.counts: dict[Hashable, int] = {}
        self.lines: list[tuple[list[Hashable], Hashable]] = []  # parts, total
        self.cells: dict[Hashable, Cell] = {}
        self.unseen: set[Hashable] = set()

    def add(self, figure: str, per_location: dict[int, int]) -> str:
        """A count per location; the region's is their sum (a record has one active location). Each row
        adds up across the locations to the region's."""
        if (figure, ALL) not in self.counts:
            for pk, count in per_location.items():
                self.counts[(figure, pk)] = count
            self.counts[(figure, ALL)] = sum(per_location.values())
            self.lines.append(([(figure, pk) for pk in per_location], (figure, ALL)))
        return figure

    def adds_up(self, parts: list[str], total: str) -> None:
        """In each column, the parts add up to the total."""
        for column in self.columns:
            self.lines.append(([(figure, column) for figure in parts], (total, column)))

    def within(self, parts: list[str], whole: str) -> None:
        """The parts are counted among the whole (the complete records among those checked; the weeks'
        expected births among the active): the rest, never shown but 0 or more, is a row too, and in
        each column the parts and the rest add up to the whole."""
        rest = f"{whole}-but-{'-'.join(parts)}"
        columns = [column for column in self.columns if isinstance(column, int)]  # the locations
        self.add(
            rest,
            {pk: self.counts[(whole, pk)] - sum(self.counts[(part, pk)] for part in parts) for pk in columns},
        )
        self.unseen.update((rest, column) for column in self.columns)
        self.adds_up([*parts, rest], whole)

    def suppress(self) -> None:
        self.cells = suppress(self.counts, self.lines, self.unseen)

    def values(self, figure: str) -> list[int | float | str | None]:
        return [self.cells[(figure, column)].value for column in self.columns]

    def cell(self, figure: str, column: Column) -> Cell:
        return self.cells[(figure, column)]


def _postnatal_count(name: str, figures: reports.Figures) -> int:
    return getattr(figures.postnatal, name)


def _tallies(
    cells: _Cells, prefix: str, labels: list[str], counts: Callable[[int], dict[int, int]]
) -> list[Row]:
    """A row per tally: its label, and its counts per location from `counts(index)` (the values are filled
    in once the whole report is suppressed)."""
    return [Row(label, [], cells.add(f"{prefix}-{i}", counts(i))) for i, label in enumerate(labels)]


def regional_report(region: Region, *, today: date, period: reports.Period) -> Report:
    locations = locations_of(region)
    ids = [location.pk for location in locations]
    figures = reports.figures_by_location(ids, today=today, period=period)
    cells = _Cells([*ids, ALL])

    def per(get: Callable[[reports.Figures], int]) -> dict[int, int]:
        return {pk: get(figures[pk]) for pk in ids}

    active = cells.add("active", per(lambda f: f.active))
    births = cells.add("births", per(lambda f: f.births.total))
    booked = cells.add("booked", per(lambda f: f.booking.booked))
    measured = cells.add("sfh-measured", per(lambda f: f.sfh.measured))
    below = cells.add("sfh-below-3rd", per(lambda f: f.sfh.below_3rd))
    blank_births, blank_booking = reports.no_births(period), reports.booking_from(period, [])
    weeks = [today + timedelta(days=7 * i) for i in range(reports.EXPECTED_WEEKS)]
    tallies = {
        "expected": [f"{start:%d.%m}–{start + timedelta(days=6):%d.%m.%Y}" for start in weeks],
        "outcome": [t.label for t in blank_births.by_outcome],
        "mode": [t.label for t in blank_births.by_mode],
        "band": [t.label for t in blank_booking.bands],
    }
    expected = _tallies(cells, "expected", tallies["expected"], lambda i: per(lambda f: f.expected[i].count))
    outcomes = _tallies(
        cells, "outcome", tallies["outcome"], lambda i: per(lambda f: f.births.by_outcome[i].count)
    )
    modes = _tallies(cells, "mode", tallies["mode"], lambda i: per(lambda f: f.births.by_mode[i].count))
    bands = _tallies(cells, "band", tallies["band"], lambda i: per(lambda f: f.booking.bands[i].count))
    postnatal_rows = [
        ("mother_visits", _("Mothers' visits")),
        ("mothers", _("Mothers visited")),
        ("mood_checked", _("Mothers whose mood was checked (EPDS)")),
        ("mood_flagged", _("Of them flagged (EPDS 13 or more, or item 10)")),
        ("discharged", _("Mothers discharged from postnatal care")),
        ("baby_visits", _("Babies' visits")),
        ("babies", _("Babies visited")),
        (
            "weight_loss_flagged",
            _("Babies who lost more than %(percent)s%% of their birth weight") % {"percent": 10},
        ),
    ]
    postnatal = [
        Row(label, [], cells.add(f"postnatal-{name}", per(partial(_postnatal_count, name))))
        for name, label in postnatal_rows
    ]
    # In each location's column (and the region's), the tallies of a table add up to its total.
    cells.adds_up([row.key for row in outcomes], births)
    cells.adds_up([row.key for row in modes], births)
    cells.adds_up([row.key for row in bands], booked)
    # What is counted among what (a reader knows it too): the rest of each is narrowed on like a sum.
    cells.within([below], measured)
    cells.within([measured], active)
    cells.within([row.key for row in expected], active)
    for part, whole in [
        ("mood_flagged", "mood_checked"),
        ("mood_checked", "mothers"),
        ("discharged", "mothers"),
        ("mothers", "mother_visits"),
        ("weight_loss_flagged", "babies"),
        ("babies", "baby_visits"),
    ]:
        cells.within([f"postnatal-{part}"], f"postnatal-{whole}")
    cells.suppress()
    for row in [*expected, *outcomes, *modes, *bands, *postnatal]:
        row.values = cells.values(row.key)

    columns: list[Column] = [*ids, ALL]
    known = {
        column: [g for pk in ids if column in (pk, ALL) for g in figures[pk].booking.known]
        for column in columns
    }

    def median(column: Column) -> str | None:
        """Over 5 or more gestations only."""
        over = known[column]
        return reports.booking_from(period, list(over)).median if summary_shown(len(over)) else None

    def percent(column: Column) -> float | None:
        return share(cells.cell(below, column), cells.cell(measured, column))

    medians = [median(c) for c in columns]
    tables = [
        Table(
            "summary",
            _("At a glance"),
            _("Figure"),
            [
                Row(_("Active pregnancies"), cells.values(active), active),
                Row(_("Births in the period"), cells.values(births), births),
                Row(_("Pregnancies booked in the period"), cells.values(booked), booked),
                Row(_("Median gestation at booking"), list(medians), "median"),
                Row(_("Active records with an SFH the standard covers"), cells.values(measured), measured),
                Row(_("Of those, last SFH below the 3rd centile"), cells.values(below), below),
                Row(_("Share below the 3rd centile (%)"), [percent(c) for c in columns], "sfh-percent"),
            ],
        ),
        Table("expected-births", _("Expected births per week, next 12 weeks"), _("Week"), expected),
        Table(
            "births-by-outcome",
            _("Births in the period by outcome"),
            _("Outcome"),
            [*outcomes, Row(_("All births"), cells.values(births), births)],
        ),
        Table(
            "births-by-mode",
            _("Births in the period by mode of birth"),
            _("Mode of birth"),
            [*modes, Row(_("All births"), cells.values(births), births)],
        ),
        Table(
            "booking-gestation",
            _("Gestation at booking"),
            _("Gestation"),
            [
                *bands,
                Row(_("All booked"), cells.values(booked), booked),
                Row(_("Median"), list(medians), "median"),
            ],
        ),
        Table("postnatal", _("Postnatal care in the period"), _("Postnatal care"), postnatal),
    ]
    hidden = sum(not cell.shown for cell in cells.cells.values())
    return Report(region, locations, today, period, tables, suppressed=hidden)


def regional_quality(region: Region, *, today: date) -> Report:
    """How many active records each location checked, how many fail each rule, how many are complete,
    and the average completeness (over 5 or more records only): counts per check and location, never a
    record. The period is not used (data quality is of the active records today)."""
    locations = locations_of(region)
    ids = [location.pk for location in locations]
    summaries, together = data_quality.summary_by_location(ids, today=today)
    summaries_all: dict[Column, data_quality.Summary] = {ALL: together}
    summaries_all.update((pk, summary) for pk, summary in summaries.items())
    cells = _Cells([*ids, ALL])
    checked = cells.add("checked", {pk: summaries[pk].checked for pk in ids})
    complete = cells.add("complete", {pk: summaries[pk].complete for pk in ids})
    failing = {
        rule.code: cells.add(
            f"rule-{rule.code}",
            {pk: next(c.failing for c in summaries[pk].by_rule if c.rule.code == rule.code) for pk in ids},
        )
        for rule in data_quality.RULES
    }
    cells.within([complete], checked)
    for figure in failing.values():
        cells.within([figure], checked)
    cells.suppress()
    columns: list[Column] = [*ids, ALL]

    # Averages add up (unlike medians): the region's average and the shown locations' would give the
    # average of the hidden ones together. So the region's is shown only when those cover 5 or more.
    hidden_over = sum(summaries[pk].checked for pk in ids if not summary_shown(summaries[pk].checked))

    def average(column: Column) -> float | None:
        summary = summaries_all[column]
        if column == ALL and 0 < hidden_over < THRESHOLD:
            return None
        return summary.average if summary_shown(summary.checked) else None

    tables = [
        Table(
            "summary",
            _("Summary"),
            _("Figure"),
            [
                Row(_("Records checked"), cells.values(checked), "checked"),
                Row(_("Complete records"), cells.values(complete), "complete"),
                Row(_("Average completeness (%)"), [average(c) for c in columns], "average"),
            ],
        ),
        Table(
            "rules",
            _("Records failing each rule"),
            _("Rule"),
            [Row(rule.label, cells.values(failing[rule.code]), rule.code) for rule in data_quality.RULES],
        ),
    ]
    hidden = sum(not cell.shown for cell in cells.cells.values())
    return Report(region, locations, today, reports.Period(today, today), tables, suppressed=hidden)
