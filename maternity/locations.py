"""Which Care Location a person acts for. A user belongs to the locations whose group they are in; with
more than one, the one chosen at login is kept in the session under SESSION_KEY."""

from django.contrib.auth.models import AbstractBaseUser

from .models import CareLocation

SESSION_KEY = "care_location_id"


def locations_of(user: AbstractBaseUser) -> list[CareLocation]:
    if not user.is_authenticated:
        return []
    return list(CareLocation.objects.filter(group__user=user, active=True).order_by("name"))


def acting_location(user: AbstractBaseUser, chosen_id: int | str | None) -> CareLocation | None:
    """The chosen location if the user belongs to it; else their only location; else None."""
    locations = locations_of(user)
    for location in locations:
        if str(location.pk) == str(chosen_id):
            return location
    return locations[0] if len(locations) == 1 else None
