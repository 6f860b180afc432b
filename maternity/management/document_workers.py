"""What `verify_documents --workers` runs in each worker process. A worker is a fresh interpreter (spawned,
not forked, so it inherits no open database connection whose socket it would share with the parent): this
module imports nothing of Django's at its top, so the worker can load it before Django is set up."""


def setup(database: dict) -> None:
    """Set Django up in the worker, on the database the parent uses (under the tests: their test database)."""
    import django

    django.setup()
    from django.db import connections

    connections["default"].settings_dict.update(database)


def check_range(bounds, *, batch: int, repair: bool) -> tuple[int, dict]:
    """(records checked, {record id: problem}) for the records in one range of ids."""
    from maternity.reads.documents import documents_compare, record_ids_in_batches

    start, stop = bounds
    checked, problems = 0, {}
    for ids in record_ids_in_batches(batch, start=start, stop=stop):
        problems.update(documents_compare(ids, repair=repair))
        checked += len(ids)
    return checked, problems
