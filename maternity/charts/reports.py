"""Bar charts for the reports page, drawn on the server as SVG (no JavaScript; prints as it shows).

Nothing depends on colour: each bar carries its number above it and its name below it, both axes are
labelled, and the SVG has a <title> and a <desc> that say the same in words for screen readers. The page
shows the same figures in a table next to each chart. The words come from the caller, translated; the
unit of the counts is a plural (`ngettext_lazy("%(count)d birth", "%(count)d births", "count")`), so
"1 birth" and "3 births" read right in every language.
"""

from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

RECORDS = ngettext_lazy("%(count)d record", "%(count)d records", "count")

WIDTH = 720
PLOT_HEIGHT = 200
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 24, 60
CHAR_WIDTH = 6.5  # about, at font size 12


def _nice_max(value: int) -> int:
    """The top of the y axis: at least 4, rounded up to a step that gives whole-number ticks."""
    value = max(value, 4)
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if value / step <= 5:
            return step * -(-value // step)
    return value


def describe(bars: list[tuple[str, int]], unit: Promise) -> str:
    """The chart's numbers in one sentence: "Live birth: 3 births; Stillbirth: 1 birth."; `unit` is a lazy
    plural with a `count` placeholder."""
    if not bars:
        return _("No data.")
    parts = [f"{label}: {unit % {'count': value}}" for label, value in bars]
    return "; ".join(parts) + "."


def bar_chart_svg(
    bars: list[tuple[str, int]],
    *,
    chart_id: str,
    title: str,
    x_label: str,
    y_label: str,
    unit: Promise = RECORDS,
) -> SafeString:
    """Vertical bars, one per (label, count). `chart_id` makes the ids unique on a page."""
    top = _nice_max(max((value for _, value in bars), default=0))
    step = top // 4 if top % 4 == 0 else (top // 5 if top % 5 == 0 else 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, PLOT_HEIGHT
    slot = plot_w / max(len(bars), 1)
    bar_w = min(56.0, slot * 0.6)
    longest = max((len(label) for label, _ in bars), default=0)
    long_labels = longest * CHAR_WIDTH > slot * 0.95
    # slanted labels need room below the axis: their length times sin(35°)
    chart_h = TOP + plot_h + BOTTOM + (round(longest * CHAR_WIDTH * 0.58) - 12 if long_labels else 0)
    # ...and may reach left of the first bar's slot: widen the view to the left rather than clip them
    pad = max(0, round(longest * CHAR_WIDTH * 0.82 - LEFT - slot / 2) + 4) if long_labels else 0

    def y(value: float) -> float:
        return round(TOP + plot_h - value / top * plot_h, 1)

    parts = [
        format_html(
            '<svg class="report-chart" viewBox="{} 0 {} {}" role="img" aria-labelledby="{}-title {}-desc" '
            'xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" font-size="12">',
            -pad,
            WIDTH + pad,
            chart_h,
            chart_id,
            chart_id,
        ),
        format_html('<title id="{}-title">{}</title>', chart_id, title),
        format_html('<desc id="{}-desc">{}</desc>', chart_id, describe(bars, unit)),
    ]
    for tick in range(0, top + 1, step):
        parts.append(
            format_html(
                '<line x1="{0}" y1="{1}" x2="{2}" y2="{1}" stroke="#e1e5ea"/>'
                '<text x="{3}" y="{4}" text-anchor="end" fill="#1b1f24">{5}</text>',
                LEFT,
                y(tick),
                LEFT + plot_w,
                LEFT - 6,
                y(tick) + 4,
                tick,
            )
        )
    parts.append(
        format_html(
            '<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#3d4652"/>'
            '<line x1="{0}" y1="{2}" x2="{3}" y2="{2}" stroke="#3d4652"/>',
            LEFT,
            TOP,
            TOP + plot_h,
            LEFT + plot_w,
        )
    )
    for index, (label, value) in enumerate(bars):
        centre = round(LEFT + slot * (index + 0.5), 1)
        height = round(value / top * plot_h, 1)
        label_y = TOP + plot_h + 16
        label_attrs = (
            format_html(' transform="rotate(-35 {} {})" text-anchor="end"', centre, label_y)
            if long_labels
            else mark_safe(' text-anchor="middle"')
        )
        parts.append(
            format_html(
                '<g class="bar"><rect x="{}" y="{}" width="{}" height="{}" fill="#1d4f91" stroke="#1b1f24">'
                "<title>{}: {}</title></rect>"
                '<text x="{}" y="{}" text-anchor="middle" fill="#1b1f24" font-weight="600">{}</text>'
                '<text x="{}" y="{}"{} fill="#1b1f24">{}</text></g>',
                round(centre - bar_w / 2, 1),
                y(value),
                round(bar_w, 1),
                height,
                label,
                value,
                centre,
                y(value) - 5,
                value,
                centre,
                label_y,
                label_attrs,
                label,
            )
        )
    parts.append(
        format_html(
            '<text x="{}" y="{}" text-anchor="middle" fill="#1b1f24" font-weight="600">{}</text>'
            '<text transform="translate({},{}) rotate(-90)" text-anchor="middle" fill="#1b1f24" '
            'font-weight="600">{}</text>',
            LEFT + plot_w / 2,
            chart_h - 8,
            x_label,
            14,
            TOP + plot_h / 2,
            y_label,
        )
    )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(part) for part in parts))
