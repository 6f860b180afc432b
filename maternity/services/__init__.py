"""Services: the only write path. Each public function is one transaction that validates, saves a new
version with who and when, and writes its RecordEvent. Views, serializers and forms call these."""

from .active_care import care_pull
from .audit import access_log_write
from .birth_plan import birth_plan_acknowledge, birth_plan_save
from .bookings import booking_cancel, booking_change, bookings_plan_accept, visit_record_for_booking
from .care import (
    care_location_contact_update,
    care_location_create,
    care_location_delete,
    care_location_update,
    practitioner_create,
)
from .deletion import record_delete, record_delete_refusal, record_delete_refused
from .delivery import Delivered, Delivery, record_deliver
from .end_dates import pregnancy_end_check, record_status_dates_check
from .finding import Found, break_glass_reason_check, record_access_by_keys, record_find_by_keys
from .portal_accounts import portal_account_get_or_create
from .pregnancy import Created, pregnancy_create_by_keys, pregnancy_update
from .records import record_create, record_create_check_types, record_status_update
from .regions import region_create, region_delete, region_update
from .resources import (
    AFTER_DELIVERY,
    resource_create,
    resource_enter_in_error,
    resource_update,
    resource_write_check,
)
from .restrictions import restricted_entry_open, restriction_add, restriction_lift
from .reviews import access_review_decide, review_item_add, unusual_access_find
from .staff import (
    staff_create,
    staff_remove,
    staff_set_location_admin,
    staff_set_location_admins,
    staff_update,
)
from .stakeholders import stakeholder_grant, stakeholder_grant_for, stakeholder_grant_user

__all__ = [
    "AFTER_DELIVERY",
    "record_delete",
    "record_delete_refusal",
    "record_delete_refused",
    "Created",
    "Delivered",
    "Delivery",
    "Found",
    "access_log_write",
    "access_review_decide",
    "birth_plan_acknowledge",
    "birth_plan_save",
    "booking_cancel",
    "booking_change",
    "bookings_plan_accept",
    "visit_record_for_booking",
    "break_glass_reason_check",
    "care_pull",
    "portal_account_get_or_create",
    "pregnancy_create_by_keys",
    "pregnancy_end_check",
    "pregnancy_update",
    "record_access_by_keys",
    "record_find_by_keys",
    "stakeholder_grant_for",
    "stakeholder_grant_user",
    "care_location_contact_update",
    "care_location_create",
    "care_location_delete",
    "care_location_update",
    "practitioner_create",
    "record_create",
    "record_create_check_types",
    "record_deliver",
    "record_status_dates_check",
    "record_status_update",
    "region_create",
    "region_delete",
    "region_update",
    "resource_create",
    "resource_enter_in_error",
    "resource_update",
    "resource_write_check",
    "review_item_add",
    "restricted_entry_open",
    "restriction_add",
    "restriction_lift",
    "stakeholder_grant",
    "staff_create",
    "staff_remove",
    "staff_set_location_admin",
    "staff_set_location_admins",
    "staff_update",
    "unusual_access_find",
]
