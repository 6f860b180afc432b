"""Creating a pregnancy: her keys (national ID, date of birth), the due date worked out one of three ways,
and optionally her name."""

from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from maternity.rules.clinical import (
    CRL_MAX_MM,
    CRL_MIN_MM,
    PREGNANCY_DAYS,
    edd_from_crl,
    edd_from_lmp,
    format_gestation,
    ga_days_from_crl,
)
from maternity.rules.pregnancy_keys import PregnancyKeys

from .finding import DATE_INPUT, DateOfBirthField, NationalIdField, check_birth_date_matches

LATEST_GESTATION_DAYS = 45 * 7  # a pregnancy booked today is not further on than this

FROM_LMP, FROM_SCAN, DIRECT = "lmp", "scan", "edd"
METHODS = [
    (FROM_LMP, _("From her last menstrual period (LMP)")),
    (FROM_SCAN, _("From a dating scan (crown-rump length)")),
    (DIRECT, _("I know the agreed due date")),
]
METHOD_FIELDS = {FROM_LMP: ("lmp",), FROM_SCAN: ("crl_mm", "scan_date"), DIRECT: ("edd",)}
EDD_KIND = {FROM_LMP: "date", FROM_SCAN: "scan", DIRECT: "agreed"}  # pregnancy_create_by_keys' EDD kinds
MISSING = {
    "lmp": _("Enter the first day of her last menstrual period."),
    "crl_mm": _("Enter the crown-rump length measured at the scan."),
    "scan_date": _("Enter the date of the scan."),
    "edd": _("Enter the agreed due date."),
}
REAL_DATE = _("Enter a real date.")


def crl_range_text() -> str:
    earliest = format_gestation(round(ga_days_from_crl(CRL_MIN_MM)))
    latest = format_gestation(round(ga_days_from_crl(CRL_MAX_MM)))
    return gettext("%(low)s to %(high)s mm (about %(earliest)s to %(latest)s weeks)") % {
        "low": CRL_MIN_MM,
        "high": CRL_MAX_MM,
        "earliest": earliest,
        "latest": latest,
    }


def _crl_range_error() -> str:
    return gettext(
        "Crown-rump length dating works for %(range)s. Outside that range, use the LMP or enter the agreed "
        "due date."
    ) % {"range": crl_range_text()}


def _crl_help() -> str:
    return gettext("%(range)s; INTERGROWTH-21st dating.") % {"range": crl_range_text()}


# in the language of the page that shows them
CRL_RANGE_ERROR = lazy(_crl_range_error, str)()
CRL_HELP = lazy(_crl_help, str)()


class CreateForm(forms.Form):
    national_id = NationalIdField()
    date_of_birth = DateOfBirthField()
    method = forms.ChoiceField(
        label=_("How is the due date (EDD) worked out?"),
        choices=METHODS,
        required=False,
        widget=forms.RadioSelect,
    )
    lmp = forms.DateField(
        label=_("First day of the last menstrual period"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Due date = LMP + 280 days (Naegele's rule)."),
        error_messages={"invalid": REAL_DATE},
    )
    crl_mm = forms.DecimalField(
        label=_("Crown-rump length (mm)"),
        required=False,
        max_digits=4,
        decimal_places=1,
        min_value=Decimal(CRL_MIN_MM),
        max_value=Decimal(CRL_MAX_MM),
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
        help_text=CRL_HELP,
        error_messages={
            "invalid": _("Enter the crown-rump length in millimetres, e.g. 45 or 45.5."),
            "min_value": CRL_RANGE_ERROR,
            "max_value": CRL_RANGE_ERROR,
            "max_decimal_places": _("Give the crown-rump length to one decimal place at most."),
            "max_digits": CRL_RANGE_ERROR,
            "max_whole_digits": CRL_RANGE_ERROR,
        },
    )
    scan_date = forms.DateField(
        label=_("Date of the scan"),
        required=False,
        widget=DATE_INPUT,
        error_messages={"invalid": REAL_DATE},
    )
    edd = forms.DateField(
        label=_("Agreed due date (EDD)"),
        required=False,
        widget=DATE_INPUT,
        error_messages={"invalid": REAL_DATE},
    )
    name = forms.CharField(
        label=_("Her name (optional)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("You can add it and her other details on the record later."),
    )

    def clean(self):
        data = super().clean()
        check_birth_date_matches(self)
        if "method" in self.errors:
            return data
        method = data.get("method") or self._method_from_filled_fields()
        if not method:
            return data
        data["method"] = method
        for name in METHOD_FIELDS[method]:
            if name not in self.errors and data.get(name) is None:
                self.add_error(name, MISSING[name])
        if not any(name in self.errors for name in METHOD_FIELDS[method]):
            edd = self._due_date(method, data)
            if edd is not None:
                data["agreed_edd"] = edd
        return data

    def _due_date(self, method: str, data: dict) -> date | None:
        """The due date the chosen way, or None (with the error on the field to change)."""
        today = timezone.localdate()
        if method == FROM_LMP:
            if data["lmp"] > today:
                self.add_error("lmp", gettext("The last period cannot start in the future."))
                return None
            edd = edd_from_lmp(data["lmp"])
        elif method == FROM_SCAN:
            if data["scan_date"] > today:
                self.add_error("scan_date", gettext("The scan date cannot be in the future."))
                return None
            edd = edd_from_crl(crl_mm=float(data["crl_mm"]), scan_date=data["scan_date"])
        else:
            edd = data["edd"]
        where = METHOD_FIELDS[method][-1]
        if edd > today + timedelta(days=PREGNANCY_DAYS):
            self.add_error(where, gettext("That makes the due date more than 40 weeks away: check the date."))
            return None
        if edd < today - timedelta(days=LATEST_GESTATION_DAYS - PREGNANCY_DAYS):
            weeks = format_gestation(PREGNANCY_DAYS + (today - edd).days)
            self.add_error(
                where,
                gettext("That makes her %(weeks)s weeks pregnant today: check the date.") % {"weeks": weeks},
            )
            return None
        return edd

    def _method_from_filled_fields(self) -> str:
        """No way chosen: when the fields of exactly one way are filled in, that is the way."""
        filled = [
            method
            for method, names in METHOD_FIELDS.items()
            if any(self.data.get(self.add_prefix(name), "").strip() for name in names)
        ]
        if len(filled) == 1:
            return filled[0]
        message = (
            gettext("Choose which of the due dates you gave to use.")
            if filled
            else gettext(
                "Give the due date one of the three ways: from the LMP, from a dating scan, or directly."
            )
        )
        self.add_error("method", message)
        return ""

    def key_fields(self) -> list[forms.BoundField]:
        return [self["national_id"], self["date_of_birth"]]

    def method_options(self) -> list[tuple]:
        """Each way of working out the due date: its radio button, and the fields it needs."""
        return [
            (option, [self[name] for name in METHOD_FIELDS[option.data["value"]]])
            for option in self["method"]
        ]

    @property
    def agreed_edd(self) -> date:
        return self.cleaned_data["agreed_edd"]

    def edds(self) -> dict[str, date]:
        return {EDD_KIND[self.cleaned_data["method"]]: self.agreed_edd}

    def current_pregnancy(self) -> dict:
        """What else the EDD came from that the record keeps: the first day of the last period."""
        if self.cleaned_data["method"] == FROM_LMP:
            return {"date_last_period": self.cleaned_data["lmp"]}
        return {}

    def mother(self) -> dict | None:
        name = self.cleaned_data.get("name", "").strip()
        return {"name": name} if name else None

    def keys(self) -> PregnancyKeys:
        data = self.cleaned_data
        return PregnancyKeys(data["national_id"], data["date_of_birth"], self.agreed_edd)

    def how(self) -> str:
        """How the due date was worked out, in words (for the message after creating), in the active
        language."""
        method = self.cleaned_data["method"]
        if method == FROM_SCAN:
            crl, scan = self.cleaned_data["crl_mm"].normalize(), self.cleaned_data["scan_date"]
            return gettext("from a dating scan (CRL %(crl)s mm on %(day)s)") % {
                "crl": number_format(Decimal(f"{crl:f}")),
                "day": date_format(scan, "DATE_FORMAT"),
            }
        if method == FROM_LMP:
            return gettext("from the LMP (%(day)s)") % {
                "day": date_format(self.cleaned_data["lmp"], "DATE_FORMAT")
            }
        return gettext("entered directly")
