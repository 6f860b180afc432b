from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from ..models import CareLocation, Practitioner


@transaction.atomic
def care_location_create(*, name: str, org_nr: str, kind: str = "OTHER") -> CareLocation:
    group = Group.objects.create(name=f"Care Location {org_nr}")
    return CareLocation.objects.create(name=name, org_nr=org_nr, kind=kind, group=group)


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
):
    user = get_user_model().objects.create_user(username=username, email=email, password=password)
    first, _, last = display_name.partition(" ")
    user.first_name, user.last_name = first, last
    user.save(update_fields=["first_name", "last_name"])
    Practitioner.objects.create(user=user, hpr_nr=hpr_nr, role_code=role_code, display_name=display_name)
    user.groups.add(*[location.group for location in care_locations])
    return user
