"""The admin. Care Locations and practitioners are managed here; records are read-only with their full
history (clinical data is written only through the services), except that a whole record may be deleted
by the admin action in records.py (DESIGN rule 9). The audit trail is readable here and nowhere changeable.

Who sees what: superusers see everything. A Care Location admin (a staff user in some location's
`admins`) sees the records their locations are stakeholders of, and the audit entries of their locations
and of those records.
"""

from . import audit, care, records, regions, reviews, staff  # noqa: F401  (each module registers its ModelAdmins)
