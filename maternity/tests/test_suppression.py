"""Small-number suppression (maternity/rules/suppression.py), the one rule the regional reports' pages and
CSV downloads show: 0-4 as "<5" (primary), and another cell hidden ("*") wherever a suppressed count could
be worked out from a total and the other counts (secondary)."""

import itertools

from hypothesis import given
from hypothesis import strategies as st

from maternity.rules.suppression import HIDDEN, SUPPRESSED, Cell, share, summary_shown, suppress


def shown(cells):
    return {key: cell.value for key, cell in cells.items()}


def test_counts_under_5_zero_too_are_shown_as_under_5_and_5_and_more_as_they_are():
    cells = suppress({n: n for n in range(7)})
    assert shown(cells) == {0: "<5", 1: "<5", 2: "<5", 3: "<5", 4: SUPPRESSED, 5: 5, 6: 6}
    assert str(cells[3]) == "<5" and str(cells[5]) == "5"


def test_one_suppressed_cell_in_a_line_with_its_total_hides_the_next_smallest_too():
    # Live births 30, stillbirths 3, not recorded 10, all births 43: without the second cell, 43 - 30 - 10.
    counts = {"live": 30, "still": 3, "unknown": 10, "all": 43}
    cells = suppress(counts, [(["live", "still", "unknown"], "all")])
    assert shown(cells) == {"live": 30, "still": SUPPRESSED, "unknown": HIDDEN, "all": 43}
    assert cells["unknown"].secondary and not cells["unknown"].primary


def test_a_zero_shown_would_pin_the_small_counts_it_adds_up_with():
    """Four locations with one stillbirth each: every count and total under 5. Were a zero shown as 0, a
    "<5" would be at least 1, and four of them adding up to under 5 would each be 1."""
    counts = {"A": 1, "B": 1, "C": 1, "D": 1, "all": 4, "E": 0}
    cells = suppress(counts, [(["A", "B", "C", "D", "E"], "all")])
    assert all(cell.value == "<5" for cell in cells.values())


def test_two_suppressed_cells_in_a_line_need_no_more():
    counts = {"a": 2, "b": 3, "c": 40, "all": 45}
    assert shown(suppress(counts, [(["a", "b", "c"], "all")])) == {"a": "<5", "b": "<5", "c": 40, "all": 45}


def test_a_total_under_5_is_suppressed_itself_so_its_only_part_is_not_alone():
    counts = {"a": 3, "b": 0, "all": 3}
    assert shown(suppress(counts, [(["a", "b"], "all")])) == {"a": "<5", "b": "<5", "all": "<5"}


def test_two_small_counts_that_can_only_be_4_each_are_protected_by_hiding_another():
    counts = {"a": 4, "b": 4, "c": 30, "all": 38}
    assert shown(suppress(counts, [(["a", "b", "c"], "all")])) == {
        "a": "<5",
        "b": "<5",
        "c": HIDDEN,
        "all": 38,
    }


def test_a_hidden_cell_that_leaves_another_line_with_one_is_protected_there_too():
    """Rows: each outcome across two locations and the region; columns: a location's births by outcome
    with its total. A's 2 stillbirths hide B's (its row), which leaves B's column with one hidden: a live
    births count is hidden there, and so on, until every line has none or at least two hidden."""
    counts = {
        ("live", "A"): 20, ("still", "A"): 2, ("all", "A"): 22,
        ("live", "B"): 30, ("still", "B"): 6, ("all", "B"): 36,
        ("live", "R"): 50, ("still", "R"): 8, ("all", "R"): 58,
    }  # fmt: skip
    lines = [([(row, "A"), (row, "B")], (row, "R")) for row in ("live", "still", "all")]
    lines += [([("live", column), ("still", column)], ("all", column)) for column in "ABR"]
    cells = suppress(counts, lines)
    assert cells[("still", "A")].primary
    for parts, total in lines:
        hidden = [key for key in [*parts, total] if not cells[key].shown]
        assert not (len(hidden) == 1 and cells[hidden[0]].primary and cells[hidden[0]].count)
    assert sum(not cell.shown for cell in cells.values()) >= 4  # a rectangle at least


def test_a_figure_shown_in_two_tables_is_one_cell_shown_the_same_in_both():
    counts = {"births": 12, "live": 9, "still": 3, "vaginal": 10, "caesarean": 2}
    cells = suppress(counts, [(["live", "still"], "births"), (["vaginal", "caesarean"], "births")])
    assert shown(cells) == {"births": 12, "live": HIDDEN, "still": "<5", "vaginal": HIDDEN, "caesarean": "<5"}


@given(
    st.lists(st.lists(st.integers(min_value=0, max_value=12), min_size=3, max_size=3), min_size=2, max_size=4)
)
def test_no_row_or_column_of_a_table_with_totals_is_left_with_one_small_count_alone(table):
    rows, columns = len(table), len(table[0])
    counts = {(r, c): table[r][c] for r in range(rows) for c in range(columns)}
    for r in range(rows):
        counts[(r, "total")] = sum(table[r])
    for c in [*range(columns), "total"]:
        counts[("total", c)] = sum(counts[(r, c)] for r in range(rows))
    row_keys = [*range(rows), "total"]
    column_keys = [*range(columns), "total"]
    lines = [([(r, c) for c in range(columns)], (r, "total")) for r in row_keys]
    lines += [([(r, c) for r in range(rows)], ("total", c)) for c in column_keys]
    cells = suppress(counts, lines)
    for key, count in counts.items():
        assert cells[key].primary == (count < 5)
    for parts, total in lines:
        hidden = [key for key in [*parts, total] if not cells[key].shown]
        assert not (len(hidden) == 1 and cells[hidden[0]].primary and cells[hidden[0]].count)


def _table(a: int, b: int, c: int, d: int) -> dict:
    """A 2 x 2 table with its row, column and grand totals."""
    cells = {("r1", "c1"): a, ("r1", "c2"): b, ("r2", "c1"): c, ("r2", "c2"): d}
    return cells | {
        ("r1", "t"): a + b,
        ("r2", "t"): c + d,
        ("t", "c1"): a + c,
        ("t", "c2"): b + d,
        ("t", "t"): a + b + c + d,
    }


TABLE_LINES = [([(r, "c1"), (r, "c2")], (r, "t")) for r in ("r1", "r2", "t")] + [
    ([("r1", col), ("r2", col)], ("t", col)) for col in ("c1", "c2", "t")
]
GRID = [("r1", "c1"), ("r1", "c2"), ("r2", "c1"), ("r2", "c2")]


def _could_be(cell) -> range:
    """The counts of a cell of the table to try: its count, 0-4 ("<5"), or 5 or more ("*")."""
    if cell.primary:
        return range(0, 5)
    if cell.secondary:
        return range(5, 11)  # the counts tried are at most 6: a fit is never far from them
    return range(cell.count, cell.count + 1)


def _fits(count: int, cell) -> bool:
    """Whether a reader who knows the rule would believe the cell could hold that count."""
    if cell.primary:
        return 0 <= count < 5
    if cell.secondary:
        return count >= 5
    return count == cell.count


def test_no_hidden_count_of_a_small_table_can_be_worked_out_from_what_is_shown():
    """Every 2 x 2 table with totals whose counts are 0 to 6: for each count from 1 to 4, every table that
    fits what is shown (the shown counts, "<5" as 0-4, "*" as 5 or more, the sums) is tried, and at least
    two values of that count fit."""
    for values in itertools.product(range(7), repeat=4):
        cells = suppress(_table(*values), TABLE_LINES)
        hidden = [key for key in cells if cells[key].primary and cells[key].count > 0]
        if not hidden:
            continue
        fitting = {key: set() for key in hidden}
        for other in itertools.product(*[_could_be(cells[key]) for key in GRID]):
            table = _table(*other)
            if all(_fits(table[key], cell) for key, cell in cells.items()):
                for key in hidden:
                    fitting[key].add(table[key])
        for key in hidden:
            assert len(fitting[key]) >= 2, (values, key, fitting[key])


def test_a_share_is_shown_only_when_both_its_counts_are():
    assert share(Cell(6), Cell(40)) == 15.0
    assert share(Cell(0), Cell(12)) == 0.0
    assert share(Cell(3, primary=True), Cell(40)) is None  # 7.5% of 40 would give the 3 away
    assert share(Cell(6), Cell(9, secondary=True)) is None
    assert share(Cell(0), Cell(0)) is None


def test_a_median_or_average_is_shown_only_over_5_or_more():
    assert not summary_shown(4) and summary_shown(5)


def test_a_count_among_another_is_protected_by_what_the_reader_knows_of_the_rest():
    """Records checked: 2, 2, 6 (10 in all); complete: 2, 2, 4 (8 in all). With only sums, nothing pins
    the third location's 4 complete; but complete records are among those checked, so 8 complete of 10
    leaves 2 incomplete, at least 2 of them at the third location: 4 exactly. The rest (checked but not
    complete) is an unseen row that the rule narrows on too, and a count is hidden to protect the 4."""
    counts = {}
    lines = []
    for figure, values in {"checked": (2, 2, 6), "complete": (2, 2, 4), "rest": (0, 0, 2)}.items():
        counts |= {(figure, column): value for column, value in zip("ABC", values, strict=True)}
        counts[(figure, "all")] = sum(values)
        lines.append(([(figure, column) for column in "ABC"], (figure, "all")))
    lines += [([("complete", column), ("rest", column)], ("checked", column)) for column in [*"ABC", "all"]]
    unseen = [("rest", column) for column in [*"ABC", "all"]]
    naive = suppress({k: v for k, v in counts.items() if k[0] != "rest"}, lines[:2])
    assert [naive[(f, c)].value for f in ("checked", "complete") for c in [*"ABC", "all"]] == [
        "<5",
        "<5",
        6,
        10,
        "<5",
        "<5",
        "<5",
        8,
    ]  # fmt: skip  (what it showed before, giving the 4 away)
    cells = suppress(counts, lines, unseen)
    assert not any(key[0] == "rest" for key in cells)
    shown = [cells[(f, c)].value for f in ("checked", "complete") for c in [*"ABC", "all"]]
    assert shown != ["<5", "<5", 6, 10, "<5", "<5", "<5", 8]
    assert HIDDEN in shown
