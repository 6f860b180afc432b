"""The pregnant person's identity. Demographics live in the record's versioned `mother` resource."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext, gettext_lazy
from simple_history.models import HistoricalRecords

from maternity.rules.identifiers import SYSTEM_LABELS, InvalidIdentifier, parse_national_id

if TYPE_CHECKING:
    from datetime import datetime

    from django.contrib.auth.models import User


class Person(models.Model):
    identifier_system = models.CharField(max_length=100)
    identifier_value = models.CharField(max_length=40)
    date_of_birth = models.DateField(null=True, blank=True)
    has_given_consent = models.BooleanField(default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        help_text=gettext_lazy("The portal account of the pregnant person, once she has signed in."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["user", "created_at"])

    if TYPE_CHECKING:  # set on an instance before a save, for django-simple-history's history row
        _history_user: User | None
        _history_date: datetime
        _change_reason: str

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["identifier_system", "identifier_value"], name="person_identifier_unique"
            )
        ]
        verbose_name_plural = gettext_lazy("people")

    def __str__(self) -> str:
        return self.identifier_value

    def clean(self) -> None:
        """The identifier must pass its system's checks; the date of birth must match the one the
        number encodes (Norwegian numbers), and is filled in from it when missing."""
        if self.identifier_system not in SYSTEM_LABELS:
            raise ValidationError(
                {
                    "identifier_system": gettext("Unknown identifier system '%(system)s'.")
                    % {"system": self.identifier_system}
                }
            )
        try:
            national_id = parse_national_id(self.identifier_value, self.identifier_system)
        except InvalidIdentifier as error:
            raise ValidationError({"identifier_value": str(error)}) from None
        self.identifier_value = national_id.value
        if national_id.birth_date:
            if self.date_of_birth and self.date_of_birth != national_id.birth_date:
                raise ValidationError(
                    {"date_of_birth": gettext("Does not match the date encoded in the national ID.")}
                )
            self.date_of_birth = national_id.birth_date
