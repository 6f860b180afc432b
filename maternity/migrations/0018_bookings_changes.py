"""Placeholder: the bookings' own changes (empty until needed)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("maternity", "0017_working_day_extensions")]

    operations = []
