"""Small-number suppression: how a count is shown in an aggregated report that must not single anyone
out (the regional reports, docs/reports.md). Page and CSV both show what `suppress` decides, so they
cannot disagree.

Primary suppression: a count under 5 is shown as "<5", a zero too. A zero names nobody, but showing it
while hiding 1 to 4 tells the reader that every "<5" is at least 1, and with the totals that is often
enough to work the counts out: in a table of four locations with one stillbirth each, every count and every
total is "<5", yet four counts of at least 1 that add up to under 5 can only be 1 each
(`test_suppression.py` tries every small table). A location's own reports page, for its own staff, still
shows its zeros.

Secondary suppression: a count under 5 must not be recoverable from a total and the other counts. The
caller says which cells add up: each line is some parts and their total (a row across the locations with
the region's total; a column of tallies with its total). A reader who knows the rule knows a "<5" is 0 to 4
and a hidden "*" is 5 or more; from the shown counts and the sums she can narrow each hidden cell down.
`suppress` does the same narrowing (bounds on every hidden cell, tightened line by line until nothing
changes) and, wherever a count from 1 to 4 would be pinned to one value (one "<5" alone in a line, two "<5"
that make 8, ...), hides the smallest other shown count of that line too (shown as "*"; when the line has
none left, of the lines it meets), then looks again, until none can be pinned. A "<5" worked out to be 0
is left so: a 0 names nobody (what it lets the reader narrow further is still narrowed). A count that is
part of another (the complete records among those checked) is a sum too: the caller passes the rest as an
`unseen` cell, never shown, known to be 0 or more.

What the counts feed is held back in the same way, by `share` and `summary_shown`: a percentage is shown
only when its numerator and denominator are both shown, and a median or an average only when it is taken
over 5 or more.
"""

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.utils.translation import gettext_lazy

THRESHOLD = 5  # counts below this (and above 0) are not shown
SUPPRESSED = "<5"
HIDDEN = "*"
SUPPRESSED_MEANS = gettext_lazy("<5: fewer than 5 (0 to 4).")
HIDDEN_MEANS = gettext_lazy("*: hidden so that a number under 5 cannot be worked out from a total.")

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Cell:
    count: int
    primary: bool = False  # 0-4
    secondary: bool = False  # hidden to protect a primary one

    @property
    def shown(self) -> bool:
        return not (self.primary or self.secondary)

    @property
    def value(self) -> int | str:
        """What the page and the CSV show: the count (a number), "<5" or "*"."""
        if self.primary:
            return SUPPRESSED
        if self.secondary:
            return HIDDEN
        return self.count

    def __str__(self) -> str:
        return str(self.value)


def is_small(count: int) -> bool:
    return count < THRESHOLD


Line = tuple[Sequence[K], K]  # parts, and their total


def suppress(counts: Mapping[K, int], lines: Iterable[Line] = (), unseen: Iterable[K] = ()) -> dict[K, Cell]:
    """Each count as it may be shown: primary suppression of 0-4, then secondary suppression along the
    lines (see the module's docstring). A key in several lines (a total shared by a row and a column, or a
    figure shown in two tables) is one cell, suppressed once, shown the same everywhere.

    `unseen` cells are never shown, but the reader knows they are 0 or more: the rest of a count that is
    part of another (the records checked but not complete: complete + the rest = checked), so that "part of"
    is narrowed on like any sum. They are left out of what is returned."""
    lines = [(list(parts), total) for parts, total in lines]
    unseen = set(unseen)
    primary = {key for key, count in counts.items() if is_small(count) and key not in unseen}
    hidden: set[K] = set()
    while pinned := _pinned(counts, lines, primary, hidden, unseen):
        shown = [key for key in counts if key not in primary and key not in hidden and key not in unseen]
        line = set([*lines[pinned[0]][0], lines[pinned[0]][1]])
        around = line.union(
            *[{*parts, total} for parts, total in lines if line.intersection([*parts, total])]
        )
        # The smallest shown count of the line; else of the lines it shares a cell with; else of any line.
        candidates = [key for key in shown if key in line] or [key for key in shown if key in around] or shown
        if not candidates:
            break  # everything is hidden: nothing more to do (and nothing can be pinned then)
        hidden.add(min(candidates, key=lambda key: counts[key]))  # the first of equals
    return {
        key: Cell(count, key in primary, key in hidden) for key, count in counts.items() if key not in unseen
    }


def _pinned(
    counts: Mapping[K, int], lines: list[Line], primary: set[K], hidden: set[K], unseen: set[K]
) -> list[int]:
    """The lines in which a count from 1 to 4 can be worked out from what is shown and the bounds a reader
    knows ("<5": 0-4; "*": 5 or more), narrowing every hidden cell's bounds line by line. (A hidden count
    of 5 or more that can be worked out gives nothing away by itself; what it lets the reader narrow
    further is narrowed here too.)"""
    low: dict[K, float] = {}
    high: dict[K, float] = {}
    for key, count in counts.items():
        if key in unseen:
            low[key], high[key] = 0, math.inf
        elif key in primary:
            low[key], high[key] = 0, THRESHOLD - 1
        elif key in hidden:
            low[key], high[key] = THRESHOLD, math.inf
        else:
            low[key] = high[key] = count
    unknown = primary | hidden | unseen
    for _round in range(100):  # bounds of whole numbers only ever narrow: this ends far sooner
        changed = False
        for parts, total in lines:
            if not unknown.intersection([*parts, total]):
                continue
            # Sums of the parts' bounds, the infinite upper bounds counted apart (inf - inf is no number).
            sum_low = sum(low[p] for p in parts)
            finite_high = sum(high[p] for p in parts if high[p] != math.inf)
            infinite = sum(high[p] == math.inf for p in parts)
            changed |= _narrow(low, high, total, sum_low, math.inf if infinite else finite_high)
            for part in parts:
                own_infinite = high[part] == math.inf
                others_low = sum_low - low[part]
                others_high = (
                    math.inf if infinite - own_infinite else finite_high - (0 if own_infinite else high[part])
                )
                changed |= _narrow(low, high, part, low[total] - others_high, high[total] - others_low)
        if not changed:
            break
    pinned = {key for key in primary if low[key] == high[key] > 0}  # a 0 worked out names nobody
    return [i for i, (parts, total) in enumerate(lines) if pinned.intersection([*parts, total])]


def _narrow(low: dict, high: dict, key: Hashable, new_low: float, new_high: float) -> bool:
    changed = False  # (inf - inf cannot happen: a lower bound is never infinite)
    if new_low > low[key]:
        low[key], changed = new_low, True
    if new_high < high[key]:
        high[key], changed = new_high, True
    return changed


def share(numerator: Cell, denominator: Cell) -> float | None:
    """The percentage, one decimal, when both counts are shown (else it would give a hidden one away) and
    the denominator is not 0."""
    if not (numerator.shown and denominator.shown) or denominator.count == 0:
        return None
    return round(100 * numerator.count / denominator.count, 1)


def summary_shown(over: int) -> bool:
    """A median or an average is shown only when taken over 5 or more (over fewer it may be one person's
    value, or close to it)."""
    return over >= THRESHOLD
