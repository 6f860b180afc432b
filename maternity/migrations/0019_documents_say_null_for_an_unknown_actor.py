"""Rebuild the stored documents whose `lastUpdatedBy` says "" for what is not known: it says null now.

`lastUpdatedBy` (record and resource metadata) gives null, not "", for an HPR role no one sent, and for a
patient's own versions (no organisation, no HPR number). Documents stored before that still hold the ""s,
and a read serves a stored document as it is when it is at the record's revision, so each one that differs
from a fresh build is rebuilt here, as 0013 filled them: a batch per transaction, beside live traffic,
never over a newer document. Reads and the stored document then agree.

Not atomic: each batch commits on its own. It uses today's document builder; should a later schema make
that impossible when this runs, it stops and says so, and `manage.py verify_documents --repair` (with
`--workers N` on PostgreSQL, the quicker way at scale) rebuilds the rest.
"""

from django.db import DatabaseError, migrations, transaction

BATCH = 500


def rebuild(apps, schema_editor):
    """Each stored document that differs from a fresh build, rebuilt. A record with no stored document is
    left to its first read, as before."""
    from maternity.reads.documents import document_differences, record_ids_in_batches

    RecordDocument = apps.get_model("maternity", "RecordDocument")
    done = rebuilt = 0
    try:
        for batch in record_ids_in_batches(BATCH):
            with transaction.atomic():
                stored = RecordDocument.objects.filter(record_id__in=batch).values_list("pk", flat=True)
                rebuilt += len(document_differences(list(stored), repair=True))
            done += len(batch)
    except (DatabaseError, LookupError, AttributeError) as error:  # a later schema: leave it to the repair
        print(
            f"\n  Stored documents: checked {done:,} ({rebuilt:,} rebuilt), then stopped ({error}); run "
            "manage.py verify_documents --repair for the rest."
        )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("maternity", "0018_care_location_contact")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop, elidable=True)]
