"""The two nested lists of the record as rows of inputs instead of JSON: the fetuses observed at an
antenatal appointment, and the stimulants asked about in the lifestyle section.

Each is one form field whose widget reads and writes several inputs, so a section form, the conflict page
and the history diff treat the list as one value. The rows are validated as the API validates the JSON
(spine/serializers/resources.py: FetusVitalSignsSerializer, StimulusSerializer) and stored in the same
shape, with empty keys left out.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maternity.rules import codes

MAX_FETUSES = 8
FETAL_HEART_RATE = (50, 240)
DAILY_COUNT = (0, 200)
NOTE_LENGTH = 2000
BOOL_CHOICES = [
    ("", gettext_lazy("Not recorded")),
    ("True", gettext_lazy("Yes")),
    ("False", gettext_lazy("No")),
]


def _int(text: str, low: int, high: int, what: str, errors: list[str]) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        number = int(text)
    except ValueError:
        errors.append(_("%(what)s: “%(text)s” is not a whole number.") % {"what": what, "text": text})
        return None
    if not low <= number <= high:
        errors.append(
            _("%(what)s must be between %(low)s and %(high)s, got %(number)s.")
            % {"what": what, "low": low, "high": high, "number": number}
        )
        return None
    return number


def _code(text: str, system: codes.CodeSystem, what: str, errors: list[str]) -> str | None:
    text = (text or "").strip()
    if not text:
        return None
    if text not in system.codes:
        errors.append(_("%(what)s: unknown code “%(text)s”.") % {"what": what, "text": text})
        return None
    return text


def _bool(text: str) -> bool | None:
    return {"True": True, "False": False}.get(text or "")


def _without_empty(row: dict) -> dict:
    return {key: value for key, value in row.items() if value is not None and value != ""}


class RowsWidget(forms.Widget):
    template = ""

    def value_omitted_from_data(self, data, files, name):
        return False

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        context = {
            "name": name,
            "id": attrs.get("id", f"id_{name}"),
            "rows": value or [],
            **self.extra_context(),
        }
        return render_to_string(self.template, context)

    def extra_context(self) -> dict:
        return {}


# --- fetuses ------------------------------------------------------------------------------------------


class FetusesWidget(RowsWidget):
    """One row per fetus: heart rate, presentation and lie, movements felt, note. `min_rows` rows are
    shown at least (the number of fetuses of the pregnancy)."""

    template = "maternity/record/_fetuses_widget.html"
    keys = ("foster", "fhr", "lie", "movements", "note")
    use_fieldset = True

    def __init__(self, *args, min_rows: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        self.min_rows = min_rows

    def value_from_datadict(self, data, files, name):
        try:
            count = int(data.get(f"{name}-rows", 0))
        except (TypeError, ValueError):
            count = 0
        count = max(0, min(count, MAX_FETUSES))
        return [{key: data.get(f"{name}-{i}-{key}", "") for key in self.keys} for i in range(count)]

    def format_value(self, value):
        return value

    def data_from_value(self, name: str, rows: list[dict]) -> dict[str, str]:
        data = {f"{name}-rows": str(len(rows))}
        for i, row in enumerate(rows):
            data.update({f"{name}-{i}-{key}": row.get(key, "") for key in self.keys})
        return data

    def extra_context(self):
        return {"lies": codes.FETAL_PRESENTATION.choices(), "bool_choices": BOOL_CHOICES}

    def render(self, name, value, attrs=None, renderer=None):
        rows = list(value or [])
        used = {row.get("foster") for row in rows}
        next_id = 1
        while len(rows) < self.min_rows:
            while str(next_id) in used:
                next_id += 1
            rows.append({"foster": str(next_id), "fhr": "", "lie": "", "movements": "", "note": ""})
            used.add(str(next_id))
        return super().render(name, rows, attrs, renderer)


class FetusesField(forms.Field):
    widget = FetusesWidget

    def prepare_value(self, value):
        """Stored rows (fosterId, fetalHeartRate...) or submitted rows (foster, fhr...) as input rows."""
        rows = []
        for row in value or []:
            if "foster" in row:
                rows.append(row)
                continue
            movements = row.get("motherFeelsBabyMovements")
            rows.append(
                {
                    "foster": str(row.get("fosterId", "")),
                    "fhr": "" if row.get("fetalHeartRate") is None else str(row["fetalHeartRate"]),
                    "lie": row.get("fetalPresentationLie") or "",
                    "movements": "" if movements is None else str(bool(movements)),
                    "note": row.get("note") or "",
                }
            )
        return sorted(rows, key=lambda row: int(row["foster"]) if row["foster"].isdigit() else 99)

    def to_python(self, value):
        rows, errors, seen = [], [], set()
        for position, row in enumerate(value or [], start=1):
            if not any((row.get(key) or "").strip() for key in ("fhr", "lie", "movements", "note")):
                continue  # an empty row: nothing observed for this fetus
            foster = _int(
                row.get("foster"), 1, MAX_FETUSES, _("Row %(row)s: fetus number") % {"row": position}, errors
            )
            what = _("Fetus %(number)s") % {"number": foster or position}
            if foster in seen:
                errors.append(_("%(what)s appears twice.") % {"what": what})
            seen.add(foster)
            note = (row.get("note") or "").strip()
            if len(note) > NOTE_LENGTH:
                errors.append(
                    _("%(what)s: the note is longer than %(length)s characters.")
                    % {"what": what, "length": NOTE_LENGTH}
                )
            rows.append(
                _without_empty(
                    {
                        "fosterId": foster,
                        "fetalHeartRate": _int(
                            row.get("fhr"),
                            *FETAL_HEART_RATE,
                            _("%(what)s: heart rate") % {"what": what},
                            errors,
                        ),
                        "fetalPresentationLie": _code(
                            row.get("lie"),
                            codes.FETAL_PRESENTATION,
                            _("%(what)s: presentation") % {"what": what},
                            errors,
                        ),
                        "motherFeelsBabyMovements": _bool(row.get("movements")),
                        "note": note,
                    }
                )
            )
        if errors:
            raise ValidationError(errors)
        return sorted(rows, key=lambda row: row["fosterId"])


# --- stimulants --------------------------------------------------------------------------------------


class StimuliWidget(RowsWidget):
    """One row per stimulant type (tobacco, snus, alcohol...): how often at the first consultation and at
    week 36, and how many a day."""

    template = "maternity/record/_stimuli_widget.html"
    keys = ("first", "first_count", "w36", "w36_count")
    use_fieldset = True

    def value_from_datadict(self, data, files, name):
        return [
            {"type": code, **{key: data.get(f"{name}-{code}-{key}", "") for key in self.keys}}
            for code in codes.STIMULANT_TYPE.codes
        ]

    def format_value(self, value):
        return value

    def data_from_value(self, name: str, rows: list[dict]) -> dict[str, str]:
        data = {}
        for row in rows:
            data.update({f"{name}-{row['type']}-{key}": row.get(key, "") for key in self.keys})
        return data

    def extra_context(self):
        return {"frequencies": codes.STIMULANT_FREQUENCY.choices()}


class StimuliField(forms.Field):
    widget = StimuliWidget

    def prepare_value(self, value):
        by_type = {}
        for row in value or []:
            if "type" in row:
                by_type[row["type"]] = row
                continue
            first = row.get("stimuliFrequencyFirstConsultation") or {}
            week36 = row.get("stimuliFrequencyAtWeek36") or {}
            by_type[row.get("stimuliType")] = {
                "type": row.get("stimuliType"),
                "first": first.get("stimuliFrequency") or "",
                "first_count": "" if first.get("dailyCount") is None else str(first["dailyCount"]),
                "w36": week36.get("stimuliFrequency") or "",
                "w36_count": "" if week36.get("dailyCount") is None else str(week36["dailyCount"]),
            }
        return [
            {
                "label": codes.STIMULANT_TYPE.shown(code),
                **by_type.get(code, {"type": code, **dict.fromkeys(StimuliWidget.keys, "")}),
            }
            for code in codes.STIMULANT_TYPE.codes
        ]

    def to_python(self, value):
        rows, errors = [], []
        for row in value or []:
            if not any((row.get(key) or "").strip() for key in StimuliWidget.keys):
                continue
            what = codes.STIMULANT_TYPE.shown(row.get("type"), _("Unknown stimulant"))
            stimulus = {"stimuliType": _code(row.get("type"), codes.STIMULANT_TYPE, _("Stimulant"), errors)}
            for key, wire, when in (
                ("first", "stimuliFrequencyFirstConsultation", _("first consultation")),
                ("w36", "stimuliFrequencyAtWeek36", _("week 36")),
            ):
                block = _without_empty(
                    {
                        "stimuliFrequency": _code(
                            row.get(key), codes.STIMULANT_FREQUENCY, f"{what}, {when}", errors
                        ),
                        "dailyCount": _int(
                            row.get(f"{key}_count"),
                            *DAILY_COUNT,
                            _("%(what)s, %(when)s: a day") % {"what": what, "when": when},
                            errors,
                        ),
                    }
                )
                if block:
                    stimulus[wire] = block
            rows.append(stimulus)
        if errors:
            raise ValidationError(errors)
        return rows
