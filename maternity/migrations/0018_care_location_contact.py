"""The Care Location's contact details (issue 19): phone, address, opening hours and an urgent line, on the
location and on its history (django-simple-history's HistoricalCareLocation)."""

from django.db import migrations, models

import maternity.models.care

PHONE_HELP = 'Digits and spaces, with "+" and the country code first if you like: "+47 73 86 80 00".'
URGENT_HELP = (
    "A line answered day and night for urgent worries, e.g. the maternity ward's. Without one, the portal "
    "tells her to call her location's phone, or 113 in an emergency."
)


def contact_fields():
    return [
        (
            "phone",
            models.CharField(
                blank=True,
                help_text=PHONE_HELP,
                max_length=30,
                validators=[maternity.models.care.phone_number],
            ),
        ),
        (
            "address",
            models.CharField(
                blank=True,
                help_text='Where to find it: "Prinsesse Kristinas gate 3, 7030 Trondheim".',
                max_length=300,
            ),
        ),
        (
            "opening_hours",
            models.CharField(
                blank=True, help_text='When the phone is answered: "Weekdays 08:00-15:30".', max_length=200
            ),
        ),
        (
            "urgent_phone",
            models.CharField(
                blank=True,
                help_text=URGENT_HELP,
                max_length=30,
                validators=[maternity.models.care.phone_number],
                verbose_name="urgent phone",
            ),
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [("maternity", "0017_working_day_extensions")]

    operations = [
        migrations.AddField(model_name=model, name=name, field=field)
        for model in ("carelocation", "historicalcarelocation")
        for name, field in contact_fields()
    ]
