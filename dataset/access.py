"""Who may use the change site (dataset/views/proposals*.py), decided in one place.

- a professional: a practitioner who works at an active Care Location (she speaks from the one she acts
  for, chosen at sign-in, else the first of hers);
- a Care Location admin: an active staff user who administers a location; she also proposes for her
  locations' client systems (a vendor has no login of its own);
- the national administration: an active staff superuser.
A user who is more than one of these is the widest. Anyone else is not a caller: nobody signed in, the
pregnant person in the portal, a regional viewer who is nothing else, an inactive account, and a client
system (the pages read the session only, never an API token). What each caller may do is the services'
(dataset/services), which take the Caller this returns.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User

from maternity.models import CareLocation, Practitioner, UserType
from maternity.signin.locations import locations_of

from .models import CallerKind


@dataclass(frozen=True)
class Caller:
    user: User
    kind: CallerKind
    name: str  # as her comments and proposals show her
    location: CareLocation | None  # where she speaks from (a national administrator may have none)
    administered: tuple[CareLocation, ...] = ()  # the locations she administers

    @property
    def is_national(self) -> bool:
        return self.kind == CallerKind.NATIONAL

    @property
    def user_type(self) -> str:
        """The audit trail's user type: a professional's; an administrator acts as no user type."""
        return UserType.HEALTH_CARE_PROFESSIONAL if self.kind == CallerKind.PROFESSIONAL else ""

    def administers(self, location_id: int) -> bool:
        return any(location.pk == location_id for location in self.administered)


def change_site_caller(
    user: User | AnonymousUser | None, *, chosen_location_id: int | str | None = None
) -> Caller | None:
    """The caller `user` is on the change site, or None when she is none (see the module's docstring).
    `chosen_location_id`: the Care Location she chose to act for (the session's), if any."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    assert isinstance(user, User)
    practitioner = Practitioner.objects.filter(user=user).first()
    works_at = locations_of(user) if practitioner is not None else []
    administered = tuple(CareLocation.objects.filter(admins=user).order_by("name")) if user.is_staff else ()
    if user.is_staff and user.is_superuser:
        kind = CallerKind.NATIONAL
    elif administered:
        kind = CallerKind.LOCATION_ADMIN
    elif works_at:
        kind = CallerKind.PROFESSIONAL
    else:
        return None
    chosen = [location for location in works_at if str(location.pk) == str(chosen_location_id)]
    speaks_from = chosen or works_at or list(administered)
    location = speaks_from[0] if speaks_from else None
    name = practitioner.display_name if practitioner is not None else ""
    return Caller(
        user=user,
        kind=kind,
        name=name or user.get_full_name() or user.get_username(),
        location=location,
        administered=administered,
    )
