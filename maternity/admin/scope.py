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


class LocationQueueAdmin:
    """A Care Location's own queue in the admin (access reviews, her access questions): its admins see their
    locations' items (`care_location`) and superusers all; nobody adds, changes or deletes one here: each is
    decided through its own page and service."""

    def has_view_permission(self, request, obj=None):
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        if user.is_superuser:
            return True
        locations = administered_location_ids(request)
        return bool(locations) and (obj is None or obj.care_location_id in locations)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        if not is_location_admin(request):
            return queryset.none()
        return queryset.filter(care_location__in=administered_location_ids(request))
