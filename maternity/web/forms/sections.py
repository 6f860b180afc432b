"""The form of any section of the record, built from the resource's model fields.

Each content field of the model becomes a form field of the right kind: yes/no/unknown radios for the
nullable booleans (null and false are different answers), selects for choices and coded values
(`maternity/rules/codes.py`), date and time inputs, numbers with the model's limits, and rows of inputs for
the two nested lists (`nested.py`). The cleaned data is what the services take (`resources._content`); the
services validate again, so the form is for clear messages, not the last word.

`form_data(values)` turns stored values back into what the browser would send, so a conflict page can
carry what someone typed through another round trip and validate it again.
"""

import datetime
from typing import Any, TypedDict

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from maternity.presentation import specs
from maternity.rules.clinical import gestation_days
from maternity.rules.resources import ResourceType

from ...models import Pregnancy
from .nested import MAX_FETUSES, FetusesField, FetusesWidget, StimuliField, StimuliWidget

DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
MAX_PREGNANCY_WEEK = 45


class YesNoUnknownField(forms.NullBooleanField):
    """Yes, no, or not recorded (None): anything else posted is an error, not a silent "not recorded"."""

    def to_python(self, value):
        if value in (None, "", "True", "False", True, False):
            return super().to_python(value)
        raise forms.ValidationError(_("Choose one of the answers offered."), code="invalid")


def _limits(model_field: models.Field) -> dict[str, Any]:
    limits = {}
    for validator in model_field.validators:
        if isinstance(validator, MinValueValidator):
            limits["min_value"] = validator.limit_value
        elif isinstance(validator, MaxValueValidator):
            limits["max_value"] = validator.limit_value
    return limits


class _Common(TypedDict):
    label: str
    help_text: str
    required: bool


def _form_field(rt: ResourceType, name: str, record: Pregnancy) -> forms.Field:
    spec = specs.section(rt)
    model_field = specs.own_field(rt, name)
    common = _Common(label=specs.label(rt, name), help_text=spec.help.get(name, ""), required=False)
    if name in spec.codes:
        choices = spec.codes[name].choices()
        return forms.TypedChoiceField(
            choices=[("", specs.NOT_RECORDED)] + [(code, f"{text} ({code})") for code, text in choices],
            empty_value=None,
            **common,
        )
    if name == "fetuses_vital_signs":
        pregnancy = getattr(record, "currentpregnancy", None)
        fetuses = (pregnancy.number_of_fetuses if pregnancy else None) or 1
        return FetusesField(widget=FetusesWidget(min_rows=min(fetuses, MAX_FETUSES)), **common)
    if name == "stimuli":
        return StimuliField(**common)
    if isinstance(model_field, models.BooleanField):
        yes, no = spec.bool_words.get(name, specs.YES_NO)
        unknown = _("Not tested or not known") if spec.bool_words.get(name) == specs.POSITIVE_NEGATIVE else ""
        return YesNoUnknownField(
            widget=forms.RadioSelect(
                choices=[("", unknown or specs.NOT_RECORDED), ("True", yes), ("False", no)],
                attrs={"class": "choices"},
            ),
            **common,
        )
    if model_field.choices or name in specs.CHOICES:
        field_choices = specs.CHOICES.get(name) or model_field.choices or []
        return forms.TypedChoiceField(
            choices=[("", specs.NOT_RECORDED), *field_choices],
            coerce=model_field.to_python,
            empty_value=None,
            **common,
        )
    common["required"] = not model_field.blank
    if isinstance(model_field, models.DateTimeField):
        return forms.DateTimeField(
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT), **common
        )
    if isinstance(model_field, models.DateField):
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT), **common)
    extra: dict[str, Any] = {}
    if isinstance(model_field, models.TextField):
        extra["widget"] = forms.Textarea(attrs={"rows": 3})
    regexes = [v for v in model_field.validators if isinstance(v, RegexValidator)]
    if regexes:
        extra["validators"] = regexes
    field = model_field.formfield(**{**common, **_limits(model_field), **extra})
    if field is None:  # only an AutoField has none, and an id is no content field
        raise LookupError(f"{name} of {rt.name} has no form field.")
    if isinstance(field, forms.CharField):
        field.empty_value = None
    return field


class SectionForm(forms.Form):
    """A section's fields, for one record (the record's due date fills in gestations left empty, and the
    number of fetuses sets the fetal rows)."""

    def __init__(self, *args, rt: ResourceType, record: Pregnancy, **kwargs):
        super().__init__(*args, **kwargs)
        self.rt = rt
        self.record = record
        for name in specs.content_field_names(rt):
            self.fields[name] = _form_field(rt, name, record)

    def groups(self):
        """[(legend, [bound fields])] for the template."""
        return [(legend, [self[name] for name in names]) for legend, names in specs.grouped_fields(self.rt)]

    def clean(self):
        data = super().clean()
        if self.rt.name == "antenatalAppointments":
            self._gestation(data, "appointment_date", "pregnancy_week", "days_after_full_pregnancy_week")
        elif self.rt.name == "symphysisFundalHeights":
            self._gestation(data, "measurement_date", "pregnancy_week", None)
        elif self.rt.name == "births":
            self._gestation(data, "birth_time", "gestation_weeks", "gestation_days")
        elif self.rt.name == "vitalMeasurementsBeforePregnancy":
            height, weight = data.get("height"), data.get("pre_pregnancy_weight")
            if data.get("bmi") is None and height and weight and "bmi" not in self.errors:
                data["bmi"] = round(weight / (height / 100) ** 2, 1)
        return data

    def _gestation(self, data, date_name: str, weeks_name: str, days_name: str | None) -> None:
        """Weeks (and days) left empty are calculated from the agreed due date; days without weeks are
        refused (which weeks?)."""
        on = data.get(date_name)
        weeks = data.get(weeks_name)
        days = data.get(days_name) if days_name else None
        if weeks is None and days is not None:
            self.add_error(weeks_name, _("Give the completed weeks as well as the days."))
            return
        if weeks is not None or on is None or self.record.agreed_edd is None:
            return
        if isinstance(on, datetime.datetime):
            on = timezone.localtime(on).date()
        ga = gestation_days(edd=self.record.agreed_edd, on=on)
        if 7 <= ga < (MAX_PREGNANCY_WEEK + 1) * 7:
            data[weeks_name] = ga // 7
            if days_name:
                data[days_name] = ga % 7


def initial_values(rt: ResourceType, instance) -> dict:
    """The stored content of a resource (or historical row), by field name; {} for none."""
    if instance is None:
        return {}
    return {name: getattr(instance, name) for name in specs.content_field_names(rt)}


def _input_value(field: forms.Field, value) -> str:
    if value is None:
        return ""
    if isinstance(field, forms.NullBooleanField):
        return str(bool(value))
    if isinstance(field, forms.DateTimeField):
        return timezone.localtime(value).strftime(DATETIME_FORMAT)
    if isinstance(field, forms.DateField):
        return value.strftime(DATE_FORMAT)
    if hasattr(value, "pk"):
        return str(value.pk)
    return str(value)


def form_data(form: SectionForm, values: dict) -> dict[str, str]:
    """Stored values as the browser would post them for this form (for carrying and re-validating)."""
    data = {}
    for name, field in form.fields.items():
        value = values.get(name)
        widget = field.widget
        if isinstance(widget, FetusesWidget | StimuliWidget):  # a FetusesField or a StimuliField
            data.update(widget.data_from_value(name, field.prepare_value(value)))
        else:
            data[name] = _input_value(field, value)
    return data
