"""Resolving a version conflict: someone saved the section while you were editing it.

Three versions of each field: the one you started from (base), the one saved meanwhile (theirs) and what
you entered (mine). A field only one side changed has an obvious answer (that side's value); a field both
sides changed to different values needs a person to choose. Nothing is decided silently.
"""

from dataclasses import dataclass

from maternity.presentation import specs
from maternity.rules.resources import ResourceType

MINE = "mine"
THEIRS = "theirs"


@dataclass
class ConflictRow:
    name: str
    label: str
    base: object
    theirs: object
    mine: object
    base_text: str
    theirs_text: str
    mine_text: str
    pick: str | None = None  # the choice posted, if any

    @property
    def they_changed(self) -> bool:
        return specs.comparable(self.theirs) != specs.comparable(self.base)

    @property
    def you_changed(self) -> bool:
        return specs.comparable(self.mine) != specs.comparable(self.base)

    @property
    def same(self) -> bool:
        return specs.comparable(self.mine) == specs.comparable(self.theirs)

    @property
    def changed(self) -> bool:
        return self.they_changed or self.you_changed

    @property
    def needs_choice(self) -> bool:
        """Both sides changed it, to different values."""
        return self.they_changed and self.you_changed and not self.same

    @property
    def default(self) -> str | None:
        if self.same:
            return THEIRS
        if self.they_changed and not self.you_changed:
            return THEIRS
        if self.you_changed and not self.they_changed:
            return MINE
        return None

    @property
    def selected(self) -> str | None:
        return self.pick if self.pick in (MINE, THEIRS) else self.default


def conflict_rows(rt: ResourceType, *, base: dict | None, theirs: dict, mine: dict) -> list[ConflictRow]:
    base = base or {}
    rows = []
    for name in specs.content_field_names(rt):
        rows.append(
            ConflictRow(
                name=name,
                label=specs.label(rt, name),
                base=base.get(name),
                theirs=theirs.get(name),
                mine=mine.get(name),
                base_text=specs.display(rt, name, base.get(name)),
                theirs_text=specs.display(rt, name, theirs.get(name)),
                mine_text=specs.display(rt, name, mine.get(name)),
            )
        )
    return rows


def merge(rows: list[ConflictRow], picks: dict[str, str]) -> tuple[dict, list[ConflictRow]]:
    """The values to save: each field from the side picked (or its obvious side). Returns the values and
    the rows that still need a choice."""
    values, missing = {}, []
    for row in rows:
        row.pick = picks.get(row.name)
        choice = row.selected
        if choice is None:
            missing.append(row)
            choice = MINE
        values[row.name] = row.mine if choice == MINE else row.theirs
    return values, missing
