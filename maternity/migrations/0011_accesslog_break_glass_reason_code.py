"""The break-glass reason code beside the free-text reason in the audit trail (docs/spine.md).

On PostgreSQL the audit table is partitioned by month (0006): a column added to the partitioned parent is
added to every partition, and `manage.py audit_partitions` makes new ones LIKE the parent, so they get it
too. The column comes with a constant default, so no row is rewritten (and the append-only trigger, which
refuses UPDATE, is not involved); entries written before it have no code ("").
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("maternity", "0010_caseload_sizes"),
    ]

    operations = [
        migrations.AddField(
            model_name="accesslog",
            name="reason_code",
            field=models.CharField(
                blank=True,
                choices=[
                    ("EMERGENCY", "Emergency care or acute admission"),
                    ("LABOUR", "In labour or giving birth at this location"),
                    ("TRANSFER", "Care transferred or referral received"),
                    ("PATIENT_REQUEST", "At her request or with her consent"),
                    ("OTHER", "Other reason (explained in the text)"),
                ],
                help_text="The break-glass reason code the caller gave (as sent, also when it was refused).",
                max_length=40,
            ),
        ),
    ]
