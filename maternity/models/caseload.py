"""CaseloadSize: how many ACTIVE pregnancies each Care Location looks after now (is the active one of).

The caseload page shows that total on every page. Counted each time, it reads one index entry per
pregnancy of the location: thousands at a national scale, growing with the location. Kept here instead,
by a database trigger on Pregnancy (`maternity/database/caseload_sizes.py`), it is one row read. Only that
trigger (and its recount) writes these rows.
"""

from django.db import models
from django.utils.translation import gettext_lazy


class CaseloadSize(models.Model):
    care_location = models.OneToOneField(
        "maternity.CareLocation", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    active = models.IntegerField(
        default=0, help_text=gettext_lazy("ACTIVE pregnancies whose active Care Location this is.")
    )

    def __str__(self) -> str:
        return f"{self.care_location_id}: {self.active}"
