from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator


def between(low, high):
    return [MinValueValidator(low), MaxValueValidator(high)]


blood_pressure = RegexValidator(
    r"^\d{2,3}/\d{2,3}$", 'Blood pressure must be written "systolic/diastolic", e.g. "120/80".'
)
