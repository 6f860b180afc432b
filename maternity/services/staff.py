"""Writes for a Care Location's staff: take someone on, change their professional details, make them a
location admin or not, and let them go (from one location, or altogether when it was their last)."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from maternity.rules.wording import worded

from ..errors import AlreadyExists, Invalid, NotAllowed
from ..models import CareLocation, Practitioner
from .care import practitioner_create


def check_hpr_nr(hpr_nr: str) -> str:
    """The professional (HPR) number, stripped; only digits (or none)."""
    hpr_nr = hpr_nr.strip()
    if hpr_nr and not hpr_nr.isdigit():
        raise Invalid(_("The professional (HPR) number has only digits."), field="hpr_nr")
    return hpr_nr


def check_new_login(*, username: str, password: str, email: str = "") -> None:
    """A free user name and a password the password validators accept (forms call this to show errors
    beside the fields; staff_create calls it again)."""
    if not username.strip():
        raise Invalid(_("A user name is required."), field="username")
    if get_user_model().objects.filter(username__iexact=username.strip()).exists():
        raise AlreadyExists(
            worded(_("The user name %(username)s is taken."), username=repr(username.strip())),
            field="username",
        )
    try:
        validate_password(password, get_user_model()(username=username, email=email))
    except ValidationError as error:
        raise Invalid(" ".join(error.messages), field="password1") from None


@transaction.atomic
def staff_create(
    *,
    care_location: CareLocation,
    username: str,
    display_name: str,
    password: str,
    hpr_nr: str = "",
    role_code: str = "JO",
    email: str = "",
    location_admin: bool = False,
) -> User:
    """A new user with a practitioner profile in the location's group, signing in with `password` (set by
    the admin and handed over in person; it must pass the password validators)."""
    username, display_name = username.strip(), display_name.strip()
    if not display_name:
        raise Invalid(_("A display name is required."), field="display_name")
    check_new_login(username=username, password=password, email=email)
    user = practitioner_create(
        username=username,
        display_name=display_name,
        care_locations=[care_location],
        hpr_nr=check_hpr_nr(hpr_nr),
        role_code=role_code.strip().upper(),
        password=password,
        email=email,
    )
    if location_admin:
        staff_set_location_admin(user=user, care_location=care_location, admin=True)
    return user


@transaction.atomic
def staff_update(
    *, practitioner: Practitioner, display_name: str, hpr_nr: str, role_code: str
) -> Practitioner:
    display_name = display_name.strip()
    if not display_name:
        raise Invalid(_("A display name is required."), field="display_name")
    practitioner = Practitioner.objects.select_for_update().get(pk=practitioner.pk)
    practitioner.display_name = display_name
    practitioner.hpr_nr = check_hpr_nr(hpr_nr)
    practitioner.role_code = role_code.strip().upper()
    practitioner.save(update_fields=["display_name", "hpr_nr", "role_code"])
    return practitioner


@transaction.atomic
def staff_set_location_admin(*, user: User, care_location: CareLocation, admin: bool) -> None:
    """Make the user an admin of the location (which lets them into the admin), or no longer one. Someone
    who administers no location any more leaves the admin, unless they are a superuser."""
    if admin and not CareLocation.objects.filter(pk=care_location.pk, group__user=user).exists():
        raise NotAllowed(_("Only staff of the location can be its admin."))
    if admin:
        care_location.admins.add(user)
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        return
    care_location.admins.remove(user)
    if user.is_staff and not user.is_superuser and not CareLocation.objects.filter(admins=user).exists():
        user.is_staff = False
        user.save(update_fields=["is_staff"])


@transaction.atomic
def staff_set_location_admins(*, care_location: CareLocation, users: Iterable[User]) -> None:
    """Exactly these users administer the location from now: each one who joins or leaves its admins does
    so as `staff_set_location_admin` decides (only its staff may join)."""
    current = {user.pk: user for user in care_location.admins.all()}
    wanted = {user.pk: user for user in users}
    for pk in sorted(wanted.keys() - current.keys()):
        staff_set_location_admin(user=wanted[pk], care_location=care_location, admin=True)
    for pk in sorted(current.keys() - wanted.keys()):
        staff_set_location_admin(user=current[pk], care_location=care_location, admin=False)


@transaction.atomic
def staff_remove(*, user: User, care_locations: list[CareLocation], by: User) -> bool:
    """Take the user off these locations (their group and admins). When no Care Location is left, the
    user is deactivated and can no longer sign in. Returns whether they were deactivated."""
    if user.pk == by.pk:
        raise NotAllowed(_("You cannot remove yourself."))
    for location in care_locations:
        user.groups.remove(location.group)
        staff_set_location_admin(user=user, care_location=location, admin=False)
    if CareLocation.objects.filter(group__user=user).exists():
        return False
    user.is_active = False
    user.save(update_fields=["is_active"])
    return True
