"""National person identifiers: parsing, validation and generators for demo and test data.

Pure Python but for the words: the systems' names and the reasons a number is refused are translated where
they are read (`maternity.rules.wording`); the generators' errors are for developers, in English. Check-digit
rules are in /work/shared/reference/clinical-calculations.md
(NHS number, Norwegian fodselsnummer and D-number) and in HISO 10046:2023 (New Zealand NHI).
"""

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from maternity.rules.wording import Text, worded

NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number"
NO_FNR = "urn:oid:2.16.578.1.12.4.1.4.1"
NO_DNR = "urn:oid:2.16.578.1.12.4.1.4.2"
NZ_NHI = "https://standards.digital.health.nz/ns/nhi-id"

# The systems' names in English, as the APIs and FHIR say them; `system_label` for a person to read.
SYSTEM_LABELS: dict[str, str] = {
    NHS_NUMBER: gettext_noop("NHS number"),
    NO_FNR: gettext_noop("Norwegian national identity number"),
    NO_DNR: gettext_noop("Norwegian D-number"),
    NZ_NHI: gettext_noop("New Zealand NHI"),
}


def system_label(system: str) -> Text:
    """The system's name in the language of whoever reads it (lazy), e.g. nb "norsk fødselsnummer"."""
    return _(SYSTEM_LABELS[system])


_NHS_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)
_NO_K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_NO_K2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
_NO_D_NUMBER_DAY_OFFSET = 40
_NO_SYNTHETIC_MONTH_OFFSET = 80

# NHI letters: A-Z without I and O, valued A=1 ... Z=24.
_NHI_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_NHI_WEIGHTS = (7, 6, 5, 4, 3, 2)
_NHI_OLD_FORMAT = re.compile(r"[A-HJ-NP-Z]{3}[0-9]{4}")
_NHI_NEW_FORMAT = re.compile(r"[A-HJ-NP-Z]{3}[0-9]{2}[A-HJ-NP-Z]{2}")
_NHI_SHAPE = re.compile(r"[A-Z]{3}[A-Z0-9]{4}")


class InvalidIdentifier(ValueError):
    """A national identifier that is malformed, fails its check digits or names an unknown system."""

    def __init__(self, message: str, *, system: str | None = None) -> None:
        super().__init__(message)
        self.system = system


@dataclass(frozen=True)
class NationalId:
    system: str
    value: str
    birth_date: datetime.date | None = None

    @property
    def label(self) -> Text:
        return system_label(self.system)


def parse_national_id(value: str, system: str | None = None) -> NationalId:
    """Validate an identifier and return it in canonical form.

    With no system, the system is taken from a FHIR token ("system|value") or inferred from the shape:
    10 digits is an NHS number, 11 digits a Norwegian number (D-number when it starts with 4-7), three
    letters and four characters a New Zealand NHI.
    """
    if system is None:
        system, value = _split_token(value)
    compact = "".join(value.split())
    if system is None:
        system = _infer_system(compact)
    if system == NHS_NUMBER:
        return _parse_nhs_number(compact)
    if system in (NO_FNR, NO_DNR):
        return _parse_norwegian(compact, system)
    if system == NZ_NHI:
        return _parse_nhi(compact)
    raise InvalidIdentifier(
        worded(_("unknown identifier system %(system)s"), system=repr(system)), system=system
    )


def is_test_number(nid: NationalId) -> bool:
    """True for numbers reserved for testing: NHS 999..., Norwegian synthetic (month + 80), NHI Z...."""
    if nid.system == NHS_NUMBER:
        return nid.value.startswith("999")
    if nid.system in (NO_FNR, NO_DNR):
        return int(nid.value[2:4]) > _NO_SYNTHETIC_MONTH_OFFSET
    if nid.system == NZ_NHI:
        return nid.value.startswith("Z")
    return False


def make_nhs_number(prefix9: str) -> str:
    """Append the check digit to nine digits. ValueError when those digits give check digit 10."""
    if not (len(prefix9) == 9 and prefix9.isascii() and prefix9.isdigit()):
        raise ValueError(f"an NHS number prefix must be 9 digits, got {prefix9!r}")
    check = _nhs_check_digit(prefix9)
    if check is None:
        raise ValueError(f"NHS number prefix {prefix9} gives check digit 10; try another prefix")
    return f"{prefix9}{check}"


def make_norwegian_fnr(birth_date: datetime.date, individual: int, synthetic: bool = False) -> str:
    """Build a fodselsnummer. ValueError when the individual number gives a check digit of 10
    (callers try the next one) or does not belong to the birth year's century."""
    return _make_norwegian(birth_date, individual, synthetic=synthetic, d_number=False)


def make_d_number(birth_date: datetime.date, individual: int, synthetic: bool = False) -> str:
    """Build a D-number (day + 40). Same rules and errors as make_norwegian_fnr."""
    return _make_norwegian(birth_date, individual, synthetic=synthetic, d_number=True)


# --- system inference -------------------------------------------------------------------------------


def _split_token(value: str) -> tuple[str | None, str]:
    if "|" not in value:
        return None, value
    system, _, rest = value.partition("|")
    return (system.strip() or None), rest


def _infer_system(compact: str) -> str:
    without_hyphens = compact.replace("-", "")
    if without_hyphens.isascii() and without_hyphens.isdigit() and len(without_hyphens) == 10:
        return NHS_NUMBER
    if compact.isascii() and compact.isdigit() and len(compact) == 11:
        return NO_DNR if compact[0] in "4567" else NO_FNR
    if _NHI_SHAPE.fullmatch(compact.upper()):
        return NZ_NHI
    raise InvalidIdentifier(
        worded(
            _(
                "cannot tell which identifier system %(value)s belongs to: expected a 10-digit NHS number, "
                "an 11-digit Norwegian number or a 7-character New Zealand NHI"
            ),
            value=repr(compact),
        )
    )


def _require_digits(compact: str, system: str, length: int) -> None:
    label = system_label(system)
    if not (compact.isascii() and compact.isdigit()):
        raise InvalidIdentifier(
            worded(_("%(label)s must contain only digits, got %(value)s"), label=label, value=repr(compact)),
            system=system,
        )
    if len(compact) != length:
        raise InvalidIdentifier(
            worded(
                _("%(label)s must be %(length)s digits, got %(got)s"),
                label=label,
                length=length,
                got=len(compact),
            ),
            system=system,
        )


# --- NHS number --------------------------------------------------------------------------------------


def _nhs_check_digit(first9: str) -> int | None:
    remainder = sum(int(d) * w for d, w in zip(first9, _NHS_WEIGHTS, strict=True)) % 11
    check = 11 - remainder
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def _parse_nhs_number(compact: str) -> NationalId:
    digits = compact.replace("-", "")
    _require_digits(digits, NHS_NUMBER, 10)
    check = _nhs_check_digit(digits[:9])
    if check is None or check != int(digits[9]):
        raise InvalidIdentifier(
            worded(_("NHS number %(number)s fails its check digit"), number=digits), system=NHS_NUMBER
        )
    return NationalId(system=NHS_NUMBER, value=digits)


# --- Norwegian fodselsnummer and D-number -------------------------------------------------------------


def _mod11_check(digits: str, weights: tuple[int, ...]) -> int | None:
    check = 11 - sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def _norwegian_check_digits(first9: str) -> str | None:
    k1 = _mod11_check(first9, _NO_K1_WEIGHTS)
    if k1 is None:
        return None
    k2 = _mod11_check(f"{first9}{k1}", _NO_K2_WEIGHTS)
    if k2 is None:
        return None
    return f"{k1}{k2}"


def _birth_century(individual: int, two_digit_year: int) -> int | None:
    if individual <= 499:
        return 1900
    if individual <= 749 and two_digit_year >= 54:
        return 1800
    if two_digit_year <= 39:
        return 2000
    if individual >= 900:
        return 1900
    return None


def _parse_norwegian(compact: str, system: str) -> NationalId:
    label = system_label(system)
    _require_digits(compact, system, 11)
    is_d_number = compact[0] in "4567"
    if system == NO_FNR and is_d_number:
        raise InvalidIdentifier(
            worded(
                _("%(number)s is a Norwegian D-number (first digit %(first)s), not a %(label)s"),
                number=compact,
                first=compact[0],
                label=label,
            ),
            system=system,
        )
    if system == NO_DNR and not is_d_number:
        raise InvalidIdentifier(
            worded(
                _("%(number)s is not a Norwegian D-number: a D-number starts with 4, 5, 6 or 7"),
                number=compact,
            ),
            system=system,
        )
    if _norwegian_check_digits(compact[:9]) != compact[9:]:
        raise InvalidIdentifier(
            worded(_("%(label)s %(number)s fails its check digits"), label=label, number=compact),
            system=system,
        )
    birth_date = _norwegian_birth_date(compact, system)
    return NationalId(system=system, value=compact, birth_date=birth_date)


def _norwegian_birth_date(compact: str, system: str) -> datetime.date:
    label = system_label(system)
    day = int(compact[0:2])
    month = int(compact[2:4])
    two_digit_year = int(compact[4:6])
    individual = int(compact[6:9])
    if system == NO_DNR:
        day -= _NO_D_NUMBER_DAY_OFFSET
    if month > _NO_SYNTHETIC_MONTH_OFFSET:
        month -= _NO_SYNTHETIC_MONTH_OFFSET
    century = _birth_century(individual, two_digit_year)
    if century is None:
        raise InvalidIdentifier(
            worded(
                _(
                    "%(label)s %(number)s: individual number %(individual)s is not issued for birth year "
                    "%(year)s in any century"
                ),
                label=label,
                number=compact,
                individual=f"{individual:03d}",
                year=f"{two_digit_year:02d}",
            ),
            system=system,
        )
    try:
        return datetime.date(century + two_digit_year, month, day)
    except ValueError:
        raise InvalidIdentifier(
            worded(
                _(
                    "%(label)s %(number)s does not start with a real date of birth (day %(day)s, month "
                    "%(month)s, year %(year)s)"
                ),
                label=label,
                number=compact,
                day=day,
                month=month,
                year=century + two_digit_year,
            ),
            system=system,
        ) from None


def _make_norwegian(birth_date: datetime.date, individual: int, *, synthetic: bool, d_number: bool) -> str:
    if not 0 <= individual <= 999:
        raise ValueError(f"the individual number must be 0-999, got {individual}")
    two_digit_year = birth_date.year % 100
    century = birth_date.year - two_digit_year
    if _birth_century(individual, two_digit_year) != century:
        raise ValueError(f"individual number {individual:03d} is not issued for births in {birth_date.year}")
    day = birth_date.day + (_NO_D_NUMBER_DAY_OFFSET if d_number else 0)
    month = birth_date.month + (_NO_SYNTHETIC_MONTH_OFFSET if synthetic else 0)
    first9 = f"{day:02d}{month:02d}{two_digit_year:02d}{individual:03d}"
    checks = _norwegian_check_digits(first9)
    if checks is None:
        raise ValueError(
            f"individual number {individual:03d} gives check digit 10 for {birth_date.isoformat()}; "
            "try the next individual number"
        )
    return f"{first9}{checks}"


# --- New Zealand NHI ----------------------------------------------------------------------------------


def _nhi_value(char: str) -> int:
    return int(char) if char.isdigit() else _NHI_LETTERS.index(char) + 1


def _nhi_sum(first6: str) -> int:
    return sum(_nhi_value(c) * w for c, w in zip(first6, _NHI_WEIGHTS, strict=True))


def _nhi_check_is_valid(nhi: str) -> bool:
    total = _nhi_sum(nhi[:6])
    if nhi[6].isdigit():
        # Old format AAANNNC: mod 11; a checksum of 0 has no check digit, 10 is written as 0.
        checksum = total % 11
        return checksum != 0 and (11 - checksum) % 10 == int(nhi[6])
    # New format AAANNAX (HISO 10046:2023): mod 23, check letter = 23 - checksum (A=1 ... Y=23).
    # Earlier revisions of the routine used mod 24 (so e.g. ZZZ00AX is no longer valid).
    return _NHI_LETTERS[(23 - total % 23) - 1] == nhi[6]


def _parse_nhi(compact: str) -> NationalId:
    label = system_label(NZ_NHI)
    nhi = compact.upper()
    if len(nhi) != 7:
        raise InvalidIdentifier(
            worded(_("%(label)s must be 7 characters, got %(got)s"), label=label, got=len(nhi)), system=NZ_NHI
        )
    if "I" in nhi or "O" in nhi:
        raise InvalidIdentifier(
            worded(_("%(label)s never uses the letters I or O, got %(value)s"), label=label, value=repr(nhi)),
            system=NZ_NHI,
        )
    if not (_NHI_OLD_FORMAT.fullmatch(nhi) or _NHI_NEW_FORMAT.fullmatch(nhi)):
        raise InvalidIdentifier(
            worded(
                _(
                    "%(label)s must be 3 letters and 4 digits (ABC1234) or 3 letters, 2 digits and 2 letters "
                    "(ABC12DE), got %(value)s"
                ),
                label=label,
                value=repr(nhi),
            ),
            system=NZ_NHI,
        )
    if not _nhi_check_is_valid(nhi):
        raise InvalidIdentifier(
            worded(_("%(label)s %(number)s fails its check character"), label=label, number=nhi),
            system=NZ_NHI,
        )
    return NationalId(system=NZ_NHI, value=nhi)
