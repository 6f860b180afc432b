"""Bulk synthetic data for scale tests: `manage.py generate_records` (PostgreSQL COPY, no ORM per row).

- `copy_rows.py`: a table's columns and defaults from its Django model, rows encoded for COPY.
- `people.py`: valid synthetic national IDs nobody in the database has yet, and names.
- `pregnancies.py`: one pregnancy's rows (record, resources, versions, events, grants, audit) as the
  services would have written them over the pregnancy's course.
- `loader.py`: chunks of pregnancies copied in one transaction each, by worker processes.
"""
