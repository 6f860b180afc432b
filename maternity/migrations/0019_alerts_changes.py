"""Placeholder: the alerts' and task list's own changes (empty until needed)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("maternity", "0018_bookings_changes")]

    operations = []
