"""Who an admin user administers: the Care Locations whose `admins` list them (cached per request)."""


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


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None
