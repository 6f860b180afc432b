"""Care Locations and the practitioners who work at them."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    from datetime import datetime

    from django.contrib.auth.models import User


class CareLocationKind(models.TextChoices):
    HOSPITAL_WARD = "HOSPITAL_WARD", gettext_lazy("Hospital maternity ward")
    MIDWIFE_LED_UNIT = "MIDWIFE_LED_UNIT", gettext_lazy("Midwife-led unit")
    COMMUNITY_TEAM = "COMMUNITY_TEAM", gettext_lazy("Community midwifery team")
    GP_PRACTICE = "GP_PRACTICE", gettext_lazy("GP practice")
    HEALTH_CENTRE = "HEALTH_CENTRE", gettext_lazy("Maternity health centre")
    OTHER = "OTHER", gettext_lazy("Other")


PHONE_HELP = gettext_lazy(
    'Digits and spaces, with "+" and the country code first if you like: "+47 73 86 80 00".'
)
phone_number = RegexValidator(
    r"^\+?[0-9][0-9 ]+[0-9]$",
    gettext_lazy(
        'A phone number is digits and spaces, with at most one "+" at the start, e.g. "+47 73 86 80 00".'
    ),
)
CONTACT_FIELDS = ["phone", "address", "opening_hours", "urgent_phone"]


def tel_uri(phone: str) -> str:
    """The number as a tap-to-call link: "+47 73 86 80 00" -> "tel:+4773868000" ("" for no number)."""
    return f"tel:{phone.replace(' ', '')}" if phone else ""


class CareLocation(models.Model):
    """A place that cares for pregnant people. Its staff and client systems are members of `group`. Every
    change to its details (name, organisation number, kind, active, and how to contact it) is a version
    with who and when; who administers it is not (the admin's own log keeps that).

    How to contact it is what the portal shows the pregnant people it looks after on every page: its phone
    (stored as typed), address and opening hours, and an urgent line (e.g. the maternity ward's 24-hour
    phone). A location without a phone or an address is a data-quality finding."""

    name = models.CharField(max_length=200)
    org_nr = models.CharField(gettext_lazy("organisation number"), max_length=40, unique=True)
    kind = models.CharField(max_length=30, choices=CareLocationKind.choices, default=CareLocationKind.OTHER)
    active = models.BooleanField(default=True)
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="care_location")
    admins = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="administered_locations",
        help_text=gettext_lazy("Care Location admins: manage this location in the admin."),
    )
    phone = models.CharField(max_length=30, blank=True, validators=[phone_number], help_text=PHONE_HELP)
    address = models.CharField(
        max_length=300,
        blank=True,
        help_text=gettext_lazy('Where to find it: "Prinsesse Kristinas gate 3, 7030 Trondheim".'),
    )
    opening_hours = models.CharField(
        max_length=200,
        blank=True,
        help_text=gettext_lazy('When the phone is answered: "Weekdays 08:00-15:30".'),
    )
    urgent_phone = models.CharField(
        gettext_lazy("urgent phone"),
        max_length=30,
        blank=True,
        validators=[phone_number],
        help_text=gettext_lazy(
            "A line answered day and night for urgent worries, e.g. the maternity ward's. Without "
            "one, the portal tells her to call her location's phone, or 113 in an emergency."
        ),
    )

    history = HistoricalRecords()

    if TYPE_CHECKING:  # set on an instance before a save, for django-simple-history's history row
        _history_user: User | None
        _history_date: datetime
        _change_reason: str

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.org_nr})"

    @property
    def phone_tel(self) -> str:
        return tel_uri(self.phone)

    @property
    def urgent_phone_tel(self) -> str:
        return tel_uri(self.urgent_phone)

    @property
    def missing_contact(self) -> list[str]:
        """What the portal needs and this location has not given: "phone", "address" (a data-quality
        finding when not empty)."""
        return [name for name in ("phone", "address") if not getattr(self, name).strip()]


class Practitioner(models.Model):
    """The professional identity of a user: HPR (or other professional register) number and role."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practitioner"
    )
    hpr_nr = models.CharField(gettext_lazy("professional number"), max_length=40, blank=True, db_index=True)
    role_code = models.CharField(
        max_length=10, blank=True, help_text=gettext_lazy("HPR role, e.g. JO (midwife), LE (doctor)")
    )
    display_name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.display_name
