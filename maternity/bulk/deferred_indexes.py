"""Secondary indexes dropped for a bulk load and built again after it.

Building an index once over all the rows is many times faster than keeping it up to date row by row
during a load of millions. Primary keys and unique indexes stay (they guard the data); the others are
dropped with their definitions kept, and re-created from those definitions when the load ends, also when
it fails. (A load killed outright leaves them missing: the definitions are printed before the drop.)
"""

from django.db import connection

SECONDARY = """
SELECT index_class.relname, pg_get_indexdef(i.indexrelid)
FROM pg_index i
JOIN pg_class index_class ON index_class.oid = i.indexrelid
JOIN pg_class table_class ON table_class.oid = i.indrelid
WHERE table_class.relname = ANY(%s)
  AND table_class.relnamespace = current_schema()::regnamespace
  AND NOT i.indisunique AND NOT i.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = i.indexrelid)
ORDER BY table_class.relname, index_class.relname
"""


def drop_secondary_indexes(tables: list[str]) -> list[tuple[str, str]]:
    """Drop the tables' secondary indexes; returns (name, definition) of each, to build them again."""
    with connection.cursor() as cursor:
        cursor.execute(SECONDARY, [tables])
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
    return indexes


def build_indexes(indexes: list[tuple[str, str]], progress=None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for name, definition in indexes:
            if progress:
                progress(name)
            # A partitioned table's index reads "ON ONLY parent": built so, it would cover no partition
            # (and stay invalid). Without ONLY it is built on every partition and attached.
            definition = definition.replace(" ON ONLY ", " ON ", 1)
            cursor.execute(definition.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))
