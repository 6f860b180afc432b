"""Small-number suppression: how a count is shown in an aggregated report that must not single anyone
out (the regional reports, docs/reports.md). Page and CSV both show what `suppress` decides, so they
cannot disagree.

Primary suppression: a count from 1 to 4 is shown as "<5". A zero is shown as 0: it names nobody, and the
zeros are often the news a region needs ("no stillbirths"); hiding them too would also mark every "<5" as
"at least 1", which is what "<5" says anyway.

Secondary suppression: a suppressed count must not be recoverable from a total and the other counts. The
caller says which cells add up ("lines": a row or column of a table together with its total, in any order;
the rule does not need to know which cell is the total). Wherever a line holds exactly one suppressed cell,
its smallest other non-zero cell is hidden too (shown as "*"), and this is repeated until no line holds
exactly one: a hidden cell may leave another line with one. With two or more hidden cells in every line
that holds any, each hidden count is known only as part of a sum. (A non-zero cell to hide always exists:
a line's suppressed cell is non-zero, so the line's total is non-zero; if every other cell were 0, the
total would equal the suppressed count and be suppressed itself.)

What the counts feed is held back in the same way, by `share` and `summary_shown`: a percentage is shown
only when its numerator and denominator are both shown, and a median or an average only when it is taken
over 5 or more.
"""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.utils.translation import gettext_lazy

THRESHOLD = 5  # counts below this (and above 0) are not shown
SUPPRESSED = "<5"
HIDDEN = "*"
SUPPRESSED_MEANS = gettext_lazy("<5: between 1 and 4.")
HIDDEN_MEANS = gettext_lazy("*: hidden so that a number under 5 cannot be worked out from a total.")

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Cell:
    count: int
    primary: bool = False  # 1-4
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
    return 0 < count < THRESHOLD


def suppress(counts: Mapping[K, int], lines: Iterable[Sequence[K]] = ()) -> dict[K, Cell]:
    """Each count as it may be shown: primary suppression of 1-4, then secondary suppression along the
    lines (see the module's docstring). A key that appears in several lines (a total shared by a row and a
    column, or a figure shown in two tables) is one cell, suppressed once, shown the same everywhere."""
    lines = [list(line) for line in lines]
    primary = {key for key, count in counts.items() if is_small(count)}
    hidden: set[K] = set()
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(key in primary or key in hidden for key in line) != 1:
                continue
            candidates = [
                key for key in line if key not in primary and key not in hidden and counts[key] > 0
            ]
            if candidates:
                hidden.add(min(candidates, key=lambda key: counts[key]))  # the first of equals
                changed = True
    return {key: Cell(count, key in primary, key in hidden) for key, count in counts.items()}


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
