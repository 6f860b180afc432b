"""Which Care Location a signed-in professional acts for, and so the Actor she is. A user belongs to the
locations whose group they are in; with more than one, the one chosen at login is kept in the session under
SESSION_KEY."""

from django.contrib.auth.models import AnonymousUser, User

from maternity.actors import Actor
from maternity.models import CareLocation, Practitioner, UserType

SESSION_KEY = "care_location_id"


def locations_of(user: User | AnonymousUser) -> list[CareLocation]:
    if isinstance(user, AnonymousUser):  # not signed in
        return []
    return list(CareLocation.objects.filter(group__user=user, active=True).order_by("name"))


def acting_location(user: User | AnonymousUser, chosen_id: int | str | None) -> CareLocation | None:
    """The chosen location if the user belongs to it; else their only location; else None."""
    locations = locations_of(user)
    for location in locations:
        if str(location.pk) == str(chosen_id):
            return location
    return locations[0] if len(locations) == 1 else None


def signed_in_professional(request) -> Actor | None:
    """The Actor for the signed-in professional, or None when she has no practitioner profile or has
    not chosen a Care Location (with more than one to choose from)."""
    user = request.user
    if not user.is_authenticated:
        return None
    practitioner = Practitioner.objects.filter(user=user).first()
    location = acting_location(user, request.session.get(SESSION_KEY))
    if practitioner is None or location is None:
        return None
    return Actor(
        user_type=UserType.HEALTH_CARE_PROFESSIONAL,
        user=user,
        care_location=location,
        name=practitioner.display_name,
        hpr_nr=practitioner.hpr_nr,
        hpr_role=practitioner.role_code,
        source_system="maternity web",
    )
