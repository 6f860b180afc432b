"""Regions and networks (maternity/models/regions.py): kept by the national administration in the admin.
Each write is one transaction and saves a version with who (`by`) and when, including the locations and
viewers it has (django-simple-history's many-to-many history)."""

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from maternity.rules.wording import worded

from ..errors import AlreadyExists
from ..models import CareLocation, Region
from .versioning import validate


def _check(region: Region) -> None:
    validate(region)
    if Region.objects.filter(code=region.code).exclude(pk=region.pk).exists():
        raise AlreadyExists(
            worded(_("Another region has the code %(code)s."), code=region.code), field="code"
        )


def _set_members(
    region: Region, *, care_locations: Iterable[CareLocation], viewers: Iterable[User], by: User | None
) -> None:
    region._history_user = by
    region.care_locations.set(list(care_locations))
    region.viewers.set(list(viewers))


@transaction.atomic
def region_create(
    *,
    name: str,
    code: str,
    care_locations: Iterable[CareLocation] = (),
    viewers: Iterable[User] = (),
    by: User | None,
) -> Region:
    """A new region with the locations it groups and who may read its reports."""
    region = Region(name=name, code=code)
    _check(region)
    region._history_user = by
    region.save()
    _set_members(region, care_locations=care_locations, viewers=viewers, by=by)
    return region


@transaction.atomic
def region_update(
    *,
    region: Region,
    name: str,
    code: str,
    care_locations: Iterable[CareLocation],
    viewers: Iterable[User],
    by: User | None,
) -> Region:
    """New details, locations and viewers for the region: a version for each that changed."""
    region = Region.objects.select_for_update().get(pk=region.pk)
    if (region.name, region.code) != (name, code):
        region.name, region.code = name, code
        _check(region)
        region._history_user = by
        region.save()
    _set_members(region, care_locations=care_locations, viewers=viewers, by=by)
    return region


@transaction.atomic
def region_delete(*, region: Region, by: User | None) -> None:
    """Delete a region (its locations and their records are untouched); its history keeps a last row
    saying who deleted it and when."""
    region = Region.objects.select_for_update().get(pk=region.pk)
    region._history_user = by
    region.delete()
