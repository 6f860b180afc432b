"""Services: the only write path. Each public function is one transaction that validates, saves a new
version with who and when, and writes its RecordEvent. Views, serializers and forms call these."""

from .care import care_location_create, practitioner_create
from .records import record_create, record_create_check_types, record_status_update
from .resources import resource_create, resource_enter_in_error, resource_update
from .stakeholders import stakeholder_grant

__all__ = [
    "care_location_create",
    "practitioner_create",
    "record_create",
    "record_create_check_types",
    "record_status_update",
    "resource_create",
    "resource_enter_in_error",
    "resource_update",
    "stakeholder_grant",
]
