"""A released version of the data set: when it was released, by whom, and what it brought.

The national administration releases the version the code implements (`dataset.versions.DATA_SET_VERSION`),
once; the release dates it and keeps, as they stood that day, the proposals it released (`changes`). The
dictionary's changelog reads these rows beside the versions released before the change site existed
(dataset/changelog). Every change is a version with who and when (django-simple-history).
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

from dataset.versions import VERSION_PATTERN

version_format = RegexValidator(
    VERSION_PATTERN, gettext_lazy('A version is three whole numbers with dots between, e.g. "1.5.0".')
)


class DataSetRelease(models.Model):
    version = models.CharField(max_length=20, unique=True, validators=[version_format])
    released_on = models.DateField()
    summary = models.TextField(max_length=4000, blank=True, default="")
    # What it released, as it stood on the day: [{"number": 12, "title": "...", "resources": ["births"]}]
    changes = models.JSONField(default=list, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-released_on", "-version"]
        verbose_name = gettext_lazy("data-set release")
        verbose_name_plural = gettext_lazy("data-set releases")

    def __str__(self) -> str:
        return f"{self.version} ({self.released_on.isoformat()})"
