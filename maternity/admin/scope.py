"""Who an admin user administers: the Care Locations whose `admins` list them (cached per request)."""

from django.contrib.admin.options import IncorrectLookupParameters


def administered_location_ids(request) -> list[int]:
    """The Care Locations the signed-in staff user administers (once per request)."""
    if not hasattr(request, "_administered_location_ids"):
        user = request.user
        request._administered_location_ids = (
            list(user.administered_locations.values_list("id", flat=True))
            if user.is_authenticated and user.is_active and user.is_staff
            else []
        )
    return request._administered_location_ids


def is_location_admin(request) -> bool:
    return bool(administered_location_ids(request))


def location_filter_id(value: str | None) -> int | None:
    """The Care Location id a "care location" list filter was given (None: no filter). Anything but a
    whole number (`?care_location=x`) is refused as the admin refuses any bad filter: the list again with
    ?e=1, not a 500."""
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise IncorrectLookupParameters(f"care_location must be a Care Location's id: {value!r}.") from None


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None
