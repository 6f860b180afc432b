"""The symphysis-fundal height chart: the INTERGROWTH-21st standard's 3rd, 10th, 50th, 90th and 97th
centiles with the measurements on top, drawn on the server as SVG (no JavaScript, prints as it shows).

Nothing depends on colour: the centile lines differ by dash pattern and carry their names, a measurement
outside the 3rd-97th band is a triangle instead of a dot, and the table next to the chart says the same
in words. The SVG has a <title> and a <desc> that summarise it for screen readers.

Gestation at a measurement comes from the agreed EDD (exact days) when there is one, else from the week
the midwife wrote down (the same rule as the caseload's flag).

Every word on the chart is in the language of the page (the portal draws it too, in plain words on a phone).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils import formats
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext, pgettext_lazy

from maternity.models import SymphysisFundalHeight
from maternity.rules.clinical import (
    SFH_CHART_CENTILES,
    SFH_MAX_WEEKS,
    SFH_MIN_WEEKS,
    format_gestation,
    gestation_days,
    sfh_centile_of,
    sfh_centile_value,
)

Y_MIN, Y_MAX = 10, 45


@dataclass(frozen=True)
class Layout:
    """The chart's size in SVG units, its text and its ticks. The SVG scales to the width it is shown at,
    so text of `font_size` units renders at font_size x (shown width / `width`) pixels."""

    width: int = 720
    height: int = 440
    left: int = 60
    right: int = 70
    top: int = 34
    bottom: int = 56
    font_size: int = 13
    week_step: int = 2  # a tick every this many weeks
    x_title: str | Promise = gettext_lazy("Gestation (weeks)")
    y_title: str | Promise = gettext_lazy("Symphysis-fundal height (cm)")
    legend_lines: bool = True  # the legend also names the centile lines (they are named at their ends too)
    legend_left: int = 60  # where the legend starts
    label_gap: int = 0  # the centile names at the right end kept at least this far apart (0: where they end)
    css_class: str = "sfh-chart"


WIDE = Layout()
# For a phone: about as wide in SVG units as the phone's screen in pixels, so text renders near its size
# (14 units at 360 is >= 13 px on a 390 px screen with the portal's margins), a tick every 4 weeks, and a
# shorter legend; the portal shows it below 600 px instead of the wide one.
PHONE = Layout(
    width=360,
    height=420,
    left=50,
    right=42,
    top=34,
    bottom=50,
    font_size=14,
    week_step=4,
    x_title=gettext_lazy("Weeks of pregnancy"),
    y_title=pgettext_lazy("the SFH chart's axis on a phone", "Height (cm)"),
    legend_lines=False,
    legend_left=6,
    label_gap=15,
    css_class="sfh-chart sfh-chart-phone",
)
WIDTH, HEIGHT = WIDE.width, WIDE.height
LEFT, RIGHT, TOP, BOTTOM = WIDE.left, WIDE.right, WIDE.top, WIDE.bottom
LINE_STYLE = {  # centile: (stroke width, dash pattern)
    3: (1.5, "2 3"),
    10: (1.5, "7 4"),
    50: (2.5, ""),
    90: (1.5, "7 4"),
    97: (1.5, "2 3"),
}


def ordinal(n: int) -> str:
    """ "3rd", "10th" in English; "3.", "10." in Bokmål."""
    if 10 <= n % 100 <= 20:
        return pgettext("ordinal number", "%(n)dth") % {"n": n}
    if n % 10 == 1:
        return pgettext("ordinal number", "%(n)dst") % {"n": n}
    if n % 10 == 2:
        return pgettext("ordinal number", "%(n)dnd") % {"n": n}
    if n % 10 == 3:
        return pgettext("ordinal number", "%(n)drd") % {"n": n}
    return pgettext("ordinal number", "%(n)dth") % {"n": n}


def centile_text(centile: float) -> str:
    """ "10th", "below the 1st": what goes before "centile"."""
    if centile < 1:
        return _("below the 1st")
    if centile > 99:
        return _("above the 99th")
    return ordinal(round(centile))


def _band(centile: float) -> int:
    """How many of the chart's centile lines lie below the measurement (0 = below the 3rd)."""
    return sum(centile > line for line in SFH_CHART_CENTILES)


@dataclass(frozen=True)
class SfhPoint:
    item: SymphysisFundalHeight
    measured_on: date
    cm: int
    ga_days: int | None
    centile: float | None  # None outside the standard's 16-40 weeks, or with no gestation
    crossed_down: int = 0  # centile lines crossed downwards since the highest earlier measurement

    @property
    def gestation(self) -> str:
        return format_gestation(self.ga_days) if self.ga_days is not None and self.ga_days >= 0 else ""

    @property
    def written_differs(self) -> bool:
        """The week written at the measurement is not the one the agreed EDD gives."""
        week = self.item.pregnancy_week
        return week is not None and self.ga_days is not None and week != self.ga_days // 7

    @property
    def in_range(self) -> bool:
        return self.centile is not None

    @property
    def weeks(self) -> float:
        """The gestation in weeks, where the chart plots it (a point in range has a gestation)."""
        if self.ga_days is None:
            raise ValueError("A measurement without a gestation is not plotted.")
        return self.ga_days / 7

    @property
    def centile_label(self) -> str:
        if self.ga_days is None:
            return _("no gestation: not plotted")
        if self.centile is None:
            return _("outside the standard (%(first)s–%(last)s weeks): not plotted") % {
                "first": SFH_MIN_WEEKS,
                "last": SFH_MAX_WEEKS,
            }
        return _("%(centile)s centile") % {"centile": centile_text(self.centile)}

    @property
    def flag(self) -> str:
        if self.centile is None:
            return ""
        if self.centile < 3:
            return _("Below the 3rd centile")
        if self.centile > 97:
            return _("Above the 97th centile")
        return ""

    @property
    def crossing(self) -> str:
        if self.crossed_down < 2:
            return ""
        return ngettext(
            "Fallen across %(n)d centile line", "Fallen across %(n)d centile lines", self.crossed_down
        ) % {"n": self.crossed_down}


def sfh_points(measurements: Iterable[SymphysisFundalHeight], *, agreed_edd: date | None) -> list[SfhPoint]:
    """The measurements (entered-in-error ones left out) in date order, with gestation and centile."""
    points, highest = [], None
    items = sorted(
        (m for m in measurements if not m.entered_in_error),
        key=lambda m: (m.measurement_date, m.last_updated),
    )
    for m in items:
        if agreed_edd is not None:
            ga_days = gestation_days(edd=agreed_edd, on=m.measurement_date)
        elif m.pregnancy_week is not None:
            ga_days = m.pregnancy_week * 7
        else:
            ga_days = None
        centile = None
        if ga_days is not None and SFH_MIN_WEEKS <= ga_days / 7 <= SFH_MAX_WEEKS:
            centile = sfh_centile_of(m.measurement, ga_days / 7)
        crossed = 0
        if centile is not None:
            band = _band(centile)
            if highest is not None:
                crossed = max(0, highest - band)
            highest = band if highest is None else max(highest, band)
        points.append(SfhPoint(m, m.measurement_date, m.measurement, ga_days, centile, crossed))
    return points


def _description(points: list[SfhPoint]) -> str:
    plotted = [p for p in points if p.in_range]
    if not points:
        return _(
            "No symphysis-fundal height has been measured yet. The chart shows the standard's centiles only."
        )
    if not plotted:
        return ngettext(
            "%(n)d measurement, not between %(first)s and %(last)s weeks, so it is not plotted.",
            "%(n)d measurements, none between %(first)s and %(last)s weeks, so none is plotted.",
            len(points),
        ) % {"n": len(points), "first": SFH_MIN_WEEKS, "last": SFH_MAX_WEEKS}
    last = plotted[-1]
    text = ngettext(
        "%(n)d measurement plotted from %(first)s to %(last)s weeks.",
        "%(n)d measurements plotted from %(first)s to %(last)s weeks.",
        len(plotted),
    ) % {"n": len(plotted), "first": plotted[0].gestation, "last": last.gestation}
    text += " " + _("Latest: %(cm)s cm at %(gestation)s weeks, %(centile)s.") % {
        "cm": last.cm,
        "gestation": last.gestation,
        "centile": last.centile_label,
    }
    outside = [p for p in plotted if p.flag]
    if outside:
        measurements = ", ".join(
            _("%(cm)s cm at %(gestation)s (%(flag)s)")
            % {"cm": p.cm, "gestation": p.gestation, "flag": p.flag.lower()}
            for p in outside
        )
        text += " " + ngettext(
            "%(n)d outside the 3rd to 97th centile: %(measurements)s.",
            "%(n)d outside the 3rd to 97th centile: %(measurements)s.",
            len(outside),
        ) % {"n": len(outside), "measurements": measurements}
    falling = [p for p in plotted if p.crossing]
    if falling:
        text += " " + _("Growth falls across centile lines at %(gestations)s.") % {
            "gestations": ", ".join(p.gestation for p in falling)
        }
    return text


def _label_positions(label_y: dict[int, float], gap: int) -> dict[int, float]:
    """The centile names' heights, moved apart from the middle one outwards so that no two are closer than
    `gap` (where text is large, the 3rd and 10th, and the 90th and 97th, end too close to read)."""
    if not gap:
        return label_y
    placed = dict(label_y)
    order = sorted(placed)  # lowest centile first: lowest on the chart, so the largest y
    middle = len(order) // 2
    for i in range(middle + 1, len(order)):
        placed[order[i]] = min(placed[order[i]], placed[order[i - 1]] - gap)
    for i in range(middle - 1, -1, -1):
        placed[order[i]] = max(placed[order[i]], placed[order[i + 1]] + gap)
    return placed


def sfh_chart_svg(
    points: list[SfhPoint], *, chart_id: str = "sfh-chart", layout: Layout = WIDE
) -> SafeString:
    """The chart as inline SVG. `chart_id` makes its ids unique on a page; `layout` is WIDE (the record
    page, print) or PHONE."""
    plotted = [p for p in points if p.in_range]
    y_min = min([Y_MIN, *[p.cm - 2 for p in plotted]])
    y_max = max([Y_MAX, *[p.cm + 2 for p in plotted]])
    y_min, y_max = 5 * (y_min // 5), 5 * -(-y_max // 5)
    WIDTH, HEIGHT = layout.width, layout.height  # noqa: N806  (the module's names, for this layout)
    LEFT, RIGHT, TOP, BOTTOM = layout.left, layout.right, layout.top, layout.bottom  # noqa: N806
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(weeks: float) -> float:
        return round(LEFT + (weeks - SFH_MIN_WEEKS) / (SFH_MAX_WEEKS - SFH_MIN_WEEKS) * plot_w, 1)

    def y(cm: float) -> float:
        return round(TOP + (y_max - cm) / (y_max - y_min) * plot_h, 1)

    parts = [
        format_html(
            '<svg class="{}" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc" '
            'xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" font-size="{}">',
            layout.css_class,
            WIDTH,
            HEIGHT,
            chart_id,
            chart_id,
            layout.font_size,
        ),
        format_html(
            '<title id="{}-title">{}</title>',
            chart_id,
            _("Symphysis-fundal height on the INTERGROWTH-21st chart"),
        ),
        format_html('<desc id="{}-desc">{}</desc>', chart_id, _description(points)),
        format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" fill="#fff" stroke="#8a94a3"/>',
            LEFT,
            TOP,
            plot_w,
            plot_h,
        ),
    ]
    # grid and ticks: every 2 weeks (4 on a phone), every 5 cm
    for weeks in range(SFH_MIN_WEEKS, SFH_MAX_WEEKS + 1, layout.week_step):
        parts.append(
            format_html(
                '<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#e1e5ea"/>'
                '<text x="{0}" y="{3}" text-anchor="middle" fill="#1b1f24">{4}</text>',
                x(weeks),
                TOP,
                TOP + plot_h,
                TOP + plot_h + 18,
                weeks,
            )
        )
    for cm in range(y_min, y_max + 1, 5):
        parts.append(
            format_html(
                '<line x1="{0}" y1="{1}" x2="{2}" y2="{1}" stroke="#e1e5ea"/>'
                '<text x="{3}" y="{4}" text-anchor="end" fill="#1b1f24">{5}</text>',
                LEFT,
                y(cm),
                LEFT + plot_w,
                LEFT - 8,
                y(cm) + 4,
                cm,
            )
        )
    parts.append(
        format_html(
            '<text x="{}" y="{}" text-anchor="middle" fill="#1b1f24" font-weight="600">{}</text>'
            '<text transform="translate({},{}) rotate(-90)" text-anchor="middle" fill="#1b1f24" '
            'font-weight="600">{}</text>',
            LEFT + plot_w / 2,
            HEIGHT - 12,
            str(layout.x_title),
            16,
            TOP + plot_h / 2,
            str(layout.y_title),
        )
    )
    # the standard's centile curves, each named at its right end
    steps = [SFH_MIN_WEEKS + i / 2 for i in range(2 * (SFH_MAX_WEEKS - SFH_MIN_WEEKS) + 1)]
    label_y = _label_positions(
        {c: y(sfh_centile_value(SFH_MAX_WEEKS, c)) + 4 for c in SFH_CHART_CENTILES}, layout.label_gap
    )
    for centile in SFH_CHART_CENTILES:
        width, dash = LINE_STYLE[centile]
        line = " ".join(f"{x(w)},{y(sfh_centile_value(w, centile))}" for w in steps)
        parts.append(
            format_html(
                '<polyline class="centile c{}" points="{}" fill="none" stroke="#3d4652" stroke-width="{}"{}/>'
                '<text x="{}" y="{}" fill="#1b1f24">{}</text>',
                centile,
                line,
                width,
                mark_safe(f' stroke-dasharray="{dash}"') if dash else "",
                x(SFH_MAX_WEEKS) + 6,
                label_y[centile],
                ordinal(centile),
            )
        )
    # the measurements: joined in order, dots inside the 3rd-97th band, triangles outside it
    if len(plotted) > 1:
        parts.append(
            format_html(
                '<polyline class="series" points="{}" fill="none" stroke="#1d4f91" stroke-width="1.5"/>',
                " ".join(f"{x(p.weeks)},{y(p.cm)}" for p in plotted),
            )
        )
    for p in plotted:
        px, py = x(p.weeks), y(p.cm)
        tip = _("%(cm)s cm at %(gestation)s weeks (%(date)s): %(centile)s") % {
            "cm": p.cm,
            "gestation": p.gestation,
            "date": formats.date_format(p.measured_on, "DATE_FORMAT"),
            "centile": p.centile_label,
        }
        if p.flag:
            shape = format_html(
                '<polygon class="point outside" points="{},{} {},{} {},{}" fill="#fff" stroke="#1b1f24" '
                'stroke-width="2"><title>{}. {}</title></polygon>',
                px,
                py - 7,
                px - 7,
                py + 6,
                px + 7,
                py + 6,
                tip,
                p.flag,
            )
        else:
            shape = format_html(
                '<circle class="point" cx="{}" cy="{}" r="5" fill="#1d4f91" stroke="#1b1f24">'
                "<title>{}</title></circle>",
                px,
                py,
                tip,
            )
        parts.append(shape)
    # legend, in words and shapes
    parts.append(
        format_html(
            '<g class="legend" fill="#1b1f24">'
            '<circle cx="{}" cy="16" r="5" fill="#1d4f91" stroke="#1b1f24"/>'
            '<text x="{}" y="20">{}</text>'
            '<polygon points="{},9 {},22 {},22" fill="#fff" stroke="#1b1f24" stroke-width="2"/>'
            '<text x="{}" y="20">{}</text>{}</g>',
            layout.legend_left + 6,
            layout.legend_left + 16,
            _("measurement"),
            layout.legend_left + 136,
            layout.legend_left + 129,
            layout.legend_left + 143,
            layout.legend_left + 150,
            _("outside 3rd–97th centile"),
            format_html(
                '<text x="{}" y="20">{}</text>',
                layout.legend_left + 360,
                _("lines: 3rd, 10th, 50th, 90th, 97th centile"),
            )
            if layout.legend_lines
            else "",
        )
    )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(part) for part in parts))
