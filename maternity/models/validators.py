from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.utils.translation import gettext_lazy


def between(low, high):
    return [MinValueValidator(low), MaxValueValidator(high)]


blood_pressure = RegexValidator(
    r"^\d{2,3}/\d{2,3}$", gettext_lazy('Blood pressure must be written "systolic/diastolic", e.g. "120/80".')
)
