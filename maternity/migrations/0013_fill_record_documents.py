"""Fill the stored document of every existing record, a batch per transaction, beside live traffic.

Not atomic: each batch commits on its own, so a million records need no downtime and no long lock (the
application serves every record meanwhile: a read of a record whose document is missing or behind builds
it, `maternity/reads/documents.py`). It uses today's document builder, not a historical model: should a later
schema make that impossible when this runs, it stops and says so, and `manage.py verify_documents
--repair` (or the first read of each record) fills the rest.
"""

from django.db import DatabaseError, migrations, transaction

BATCH = 500


def fill(apps, schema_editor):
    from maternity.reads.documents import document_differences, record_ids_in_batches

    done = 0
    try:
        for batch in record_ids_in_batches(BATCH):
            with transaction.atomic():
                document_differences(batch, repair=True)
            done += len(batch)
    except (DatabaseError, LookupError, AttributeError) as error:  # a later schema: leave it to the reads
        print(f"\n  Stored documents: filled {done:,}, then stopped ({error}); the rest fill on first read.")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("maternity", "0012_record_documents")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
