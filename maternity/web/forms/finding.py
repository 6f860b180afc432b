"""Finding a pregnancy by its keys (break glass), and the fields the keys are typed into."""

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from maternity.rules.clinical import PREGNANCY_DAYS
from maternity.rules.identifiers import SYSTEM_LABELS, InvalidIdentifier, NationalId, parse_national_id
from maternity.rules.pregnancy_keys import EDD_WINDOW, PregnancyKeys

from ...errors import RecordError
from ...models import BreakGlassReason
from ...services.finding import CODE_FIELD, MAX_REASON, MIN_REASON, TEXT_FIELD, break_glass_reason_check

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
REASON_FIELDS = {CODE_FIELD: "reason_code", TEXT_FIELD: "reason"}  # the find's field names -> the form's
OLDEST_BIRTH = date(1900, 1, 1)
REAL_DATE = _("Enter a real date.")


def _sentence(text: str) -> str:
    text = text.strip().rstrip(".")
    return f"{text[:1].upper()}{text[1:]}."


def _national_id_help() -> str:
    return gettext("%(systems)s. Spaces are ignored.") % {
        "systems": ", ".join(map(str, SYSTEM_LABELS.values()))
    }


NATIONAL_ID_HELP = lazy(_national_id_help, str)()


class NationalIdField(forms.CharField):
    """A national ID of any system the record knows, told apart by its shape and checked by its check
    digits. Cleans to a NationalId."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("National ID"))
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("help_text", NATIONAL_ID_HELP)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "inputmode": "text"}),
        )
        kwargs.setdefault("error_messages", {"required": _("Enter her national ID.")})
        super().__init__(**kwargs)

    def clean(self, value) -> NationalId:
        text = super().clean(value)
        try:
            return parse_national_id(text)
        except InvalidIdentifier as error:
            raise forms.ValidationError(
                gettext("This is not a valid national ID: %(why)s") % {"why": _sentence(str(error))},
                code="invalid_national_id",
            ) from None


class DateOfBirthField(forms.DateField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Date of birth"))
        kwargs.setdefault("widget", DATE_INPUT)
        kwargs.setdefault("error_messages", {"required": _("Enter her date of birth."), "invalid": REAL_DATE})
        super().__init__(**kwargs)

    def validate(self, value: date) -> None:
        super().validate(value)
        if value > timezone.localdate():
            raise forms.ValidationError(gettext("The date of birth cannot be in the future."), code="future")
        if value < OLDEST_BIRTH:
            raise forms.ValidationError(gettext("Check the year of the date of birth."), code="too_old")


def check_birth_date_matches(form: forms.Form) -> None:
    """Norwegian numbers encode the date of birth: say so at once when the two disagree."""
    national_id, born = form.cleaned_data.get("national_id"), form.cleaned_data.get("date_of_birth")
    if national_id and born and national_id.birth_date and national_id.birth_date != born:
        form.add_error(
            "date_of_birth",
            gettext(
                "The national ID says she was born on %(born)s: check the date of birth or the national ID."
            )
            % {"born": date_format(national_id.birth_date, "DATE_FORMAT")},
        )


def _edd_help() -> str:
    return gettext("A date within %(days)s days of the due date on record matches.") % {
        "days": EDD_WINDOW.days
    }


def _reason_help() -> str:
    return gettext(
        "In a sentence, at least %(least)s characters. For example: admitted to our ward in labour; she is "
        "booked at another hospital. She will read this."
    ) % {"least": MIN_REASON}


EDD_HELP = lazy(_edd_help, str)()
REASON_HELP = lazy(_reason_help, str)()


class FindForm(forms.Form):
    national_id = NationalIdField()
    date_of_birth = DateOfBirthField()
    edd = forms.DateField(
        label=_("Agreed due date (EDD)"),
        widget=DATE_INPUT,
        help_text=EDD_HELP,
        error_messages={"required": _("Enter her due date."), "invalid": REAL_DATE},
    )
    reason_code = forms.ChoiceField(
        label=_("Reason for breaking glass"),
        choices=BreakGlassReason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the reason you need her record: it is required to break glass."),
            "invalid_choice": _("Choose one of the reasons listed."),
        },
    )
    reason = forms.CharField(
        label=_("Why do you need this record?"),
        required=False,  # the find's own rule says what is missing (break_glass_reason_check)
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_REASON}),
        help_text=REASON_HELP,
    )

    def clean_edd(self) -> date:
        edd = self.cleaned_data["edd"]
        if edd > timezone.localdate() + timedelta(days=PREGNANCY_DAYS):
            raise forms.ValidationError(gettext("Check the due date: it is more than 40 weeks from today."))
        if edd < OLDEST_BIRTH:
            raise forms.ValidationError(gettext("Check the year of the due date."))
        return edd

    def clean(self):
        data = super().clean()
        check_birth_date_matches(self)
        self._check_reason(data)
        return data

    def _check_reason(self, data: dict) -> None:
        """The find's rule for the reason, here too, so a short reason is shown at once (and a form with
        errors does not count against the break-glass rate limit)."""
        try:
            break_glass_reason_check(code=data.get("reason_code"), text=data.get("reason"))
        except RecordError as error:
            field = REASON_FIELDS.get(error.field or "")
            if field not in self.errors:
                self.add_error(field, error.message)

    def keys(self) -> PregnancyKeys:
        data = self.cleaned_data
        return PregnancyKeys(data["national_id"], data["date_of_birth"], data["edd"])
