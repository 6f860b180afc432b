"""Regions and networks: groups of Care Locations whose figures are reported together (issue 23).

A region (a health region, a maternity network, a local authority...) groups Care Locations; a location may
be in several (a health region and a network across regions). Its `viewers` are the people who read the
region's aggregated reports and data quality: a viewer need not belong to any Care Location, and being a
viewer gives no access to any record (maternity/reads/regional.py reads counts only; docs/reports.md).

The national administration (superusers) keeps regions in the admin. Every change is a version with who and
when (django-simple-history), including which locations and viewers it has.
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    from datetime import datetime

    from django.contrib.auth.models import User

region_code = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_-]*$",
    gettext_lazy('A code is letters, digits, "-" and "_", e.g. "helse-midt".'),
)


class Region(models.Model):
    name = models.CharField(max_length=200)
    code = models.CharField(
        max_length=40,
        unique=True,
        validators=[region_code],
        help_text=gettext_lazy('A short, stable code, e.g. "helse-midt": letters, digits, "-" and "_".'),
    )
    care_locations = models.ManyToManyField(
        "maternity.CareLocation",
        blank=True,
        related_name="regions",
        help_text=gettext_lazy("The Care Locations it groups. A location may be in several regions."),
    )
    viewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="viewed_regions",
        help_text=gettext_lazy(
            "Who reads its aggregated reports and data quality. They see no records and no persons."
        ),
    )

    history = HistoricalRecords(m2m_fields=["care_locations", "viewers"])

    if TYPE_CHECKING:  # set on an instance before a save, for django-simple-history's history row
        _history_user: User | None
        _history_date: datetime

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
