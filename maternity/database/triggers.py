"""Installing the SQL that keeps derived tables in step (`event_positions`, `feed_entries`,
`caseload_sizes`) on whichever database a migration runs against: PostgreSQL in production, SQLite in
development."""


def run_for_vendor(schema_editor, *, postgres: str, sqlite: list[str]) -> None:
    statements = [postgres] if schema_editor.connection.vendor == "postgresql" else sqlite
    for statement in statements:
        schema_editor.execute(statement, params=None)
