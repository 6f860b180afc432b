"""Care Locations and the practitioners who work at them. A location's details are versioned: each write
here saves a version with who made it (`by`) and when (django-simple-history)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from maternity.rules.wording import worded

from ..errors import AlreadyExists
from ..models import CareLocation, Practitioner
from .versioning import validate


def _group_name(org_nr: str) -> str:
    return f"Care Location {org_nr}"


def _check(location: CareLocation) -> None:
    validate(location, exclude=["group"])
    if CareLocation.objects.filter(org_nr=location.org_nr).exclude(pk=location.pk).exists():
        raise AlreadyExists(
            worded(
                _("Another Care Location has the organisation number %(org_nr)s."), org_nr=location.org_nr
            ),
            field="org_nr",
        )


def _save_version(location: CareLocation, *, by: User | None) -> None:
    location._history_user = by
    location.save()


@transaction.atomic
def care_location_create(
    *,
    name: str,
    org_nr: str,
    kind: str = "OTHER",
    active: bool = True,
    phone: str = "",
    address: str = "",
    opening_hours: str = "",
    urgent_phone: str = "",
    by: User | None = None,
) -> CareLocation:
    """A new location with its own group for its staff and client systems, and how to contact it."""
    location = CareLocation(
        name=name,
        org_nr=org_nr,
        kind=kind,
        active=active,
        phone=phone,
        address=address,
        opening_hours=opening_hours,
        urgent_phone=urgent_phone,
    )
    _check(location)
    location.group = Group.objects.create(name=_group_name(org_nr))
    _save_version(location, by=by)
    return location


@transaction.atomic
def care_location_update(
    *,
    care_location: CareLocation,
    name: str,
    org_nr: str,
    kind: str,
    active: bool,
    phone: str | None = None,
    address: str | None = None,
    opening_hours: str | None = None,
    urgent_phone: str | None = None,
    by: User | None,
) -> CareLocation:
    """New details for the location, as one version (none when nothing changed); a contact detail given as
    None stays as it is. Its group's name follows the organisation number, so a new location may take the
    old number."""
    location = CareLocation.objects.select_for_update().get(pk=care_location.pk)
    contact = {
        "phone": phone,
        "address": address,
        "opening_hours": opening_hours,
        "urgent_phone": urgent_phone,
    }
    new = {"name": name, "org_nr": org_nr, "kind": kind, "active": active}
    new |= {field: value for field, value in contact.items() if value is not None}
    if all(getattr(location, field) == value for field, value in new.items()):
        return location
    renumbered = location.org_nr != org_nr
    for field, value in new.items():
        setattr(location, field, value)
    _check(location)
    _save_version(location, by=by)
    if renumbered:
        Group.objects.filter(pk=location.group_id).update(name=_group_name(org_nr))
    return location


@transaction.atomic
def care_location_contact_update(
    *,
    care_location: CareLocation,
    phone: str,
    address: str,
    opening_hours: str,
    urgent_phone: str,
    by: User | None,
) -> CareLocation:
    """New contact details for the location (what its own admins may change), as one version (none when
    nothing changed). A phone number that is not one is refused (Invalid) and nothing is saved."""
    location = CareLocation.objects.select_for_update().get(pk=care_location.pk)
    new = {"phone": phone, "address": address, "opening_hours": opening_hours, "urgent_phone": urgent_phone}
    if all(getattr(location, field) == value for field, value in new.items()):
        return location
    for field, value in new.items():
        setattr(location, field, value)
    _check(location)
    _save_version(location, by=by)
    return location


@transaction.atomic
def care_location_delete(*, care_location: CareLocation, by: User | None) -> None:
    """Delete a location that nothing refers to (a record, a care episode or a client system protects
    it: the database refuses). Its history keeps a last row saying who deleted it and when. Its group is
    left as it is, with whoever is in it."""
    location = CareLocation.objects.select_for_update().get(pk=care_location.pk)
    location._history_user = by
    location.delete()


@transaction.atomic
def practitioner_create(
    *,
    username: str,
    display_name: str,
    care_locations: list[CareLocation],
    hpr_nr: str = "",
    role_code: str = "JO",
    password: str | None = None,
    email: str = "",
) -> User:
    user = get_user_model().objects.create_user(username=username, email=email, password=password)
    first, _space, last = display_name.partition(" ")
    user.first_name, user.last_name = first, last
    user.save(update_fields=["first_name", "last_name"])
    Practitioner.objects.create(user=user, hpr_nr=hpr_nr, role_code=role_code, display_name=display_name)
    user.groups.add(*[location.group for location in care_locations])
    return user
