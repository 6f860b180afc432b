"""The database's own mechanics: the trigger and counter SQL that keep derived tables exact (event positions,
feed entries, caseload sizes), the audit trail's monthly partitions, queries compiled and prepared once, and
the PostgreSQL backend."""
