"""Placeholder: labour, birth and postnatal changes (empty until needed)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("maternity", "0019_alerts_changes")]

    operations = []
