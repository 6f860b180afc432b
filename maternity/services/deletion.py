"""Deleting a whole record (DESIGN rule 9). Never through the API or the professional UI: a Care Location
admin may delete a record only where their location is its only stakeholder; anything shared further is a
task for the national administration (a superuser).

A deleted record is gone, history included: a record made for the wrong person must not live on in the
history tables. What stays is the audit trail, which has no database constraint to the record and says who
deleted it, when, why and how much.
"""

from uuid import UUID

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from maternity.rules.resources import RESOURCE_TYPES
from maternity.rules.wording import Text, in_english, worded

from ..actors import Actor
from ..errors import Invalid, NotAllowed, NotFound
from ..models import (
    AccessAction,
    AccessOutcome,
    CareLocation,
    Pregnancy,
    PregnancyGroupPermission,
    PregnancyUserPermission,
    UserType,
)
from .audit import access_log_write

# The refusals are read by an admin in their language, and written to the audit trail in English.
NATIONAL_TASK = _("deleting it is a task for the national administration (a superuser)")


def _refusal_and_location(user: User | None, record: Pregnancy) -> tuple[Text | None, CareLocation | None]:
    """Why `user` may not delete `record` (None when they may), and the Care Location they administer that is
    the record's only stakeholder, if there is one."""
    if user is None or not user.is_authenticated or not user.is_active:
        return _("Only an active, signed-in user may delete a record."), None
    group_ids = set(
        PregnancyGroupPermission.objects.filter(content_object=record).values_list("group_id", flat=True)
    )
    administered = {location.group_id: location for location in CareLocation.objects.filter(admins=user)}
    location = administered.get(next(iter(group_ids))) if len(group_ids) == 1 else None
    has_user_grants = PregnancyUserPermission.objects.filter(content_object=record).exists()
    if user.is_superuser:
        return None, (None if has_user_grants else location)
    if not administered:
        return (
            worded(
                _(
                    "Only the admin of a Care Location that is a record's only stakeholder may delete it; "
                    "otherwise %(national_task)s."
                ),
                national_task=NATIONAL_TASK,
            ),
            None,
        )
    if not group_ids & administered.keys():
        return _("None of the Care Locations you administer is a stakeholder of this record."), None
    if has_user_grants:
        return (
            worded(
                _(
                    "Someone has broken glass to see this record, so it is shared beyond your Care Location: "
                    "%(national_task)s."
                ),
                national_task=NATIONAL_TASK,
            ),
            None,
        )
    if location is None:
        stakeholders = CareLocation.objects.filter(group_id__in=group_ids).order_by("name")
        names = ", ".join(stakeholder.name for stakeholder in stakeholders)
        return (
            worded(
                _("This record has more than one stakeholder (%(names)s): %(national_task)s."),
                names=names,
                national_task=NATIONAL_TASK,
            ),
            None,
        )
    return None, location


def record_delete_refusal(*, user: User | None, record: Pregnancy) -> Text | None:
    """None when `user` may delete the whole record, else one sentence saying why not.

    Allowed: an active superuser; or an active admin of a Care Location whose group is the record's only
    stakeholder (no other location's grant and no single-user, break-glass grant)."""
    return _refusal_and_location(user, record)[0]


def _counts(record: Pregnancy) -> dict[str, int]:
    resources = versions = 0
    for rt in RESOURCE_TYPES.values():
        resources += rt.model._default_manager.filter(record=record).count()
        versions += rt.model.history.filter(record_id=record.pk).count()
    versions += Pregnancy.history.filter(id=record.pk).count()
    group_grants = PregnancyGroupPermission.objects.filter(content_object=record)
    user_grants = PregnancyUserPermission.objects.filter(content_object=record)
    return {
        "resources": resources,
        "versions": versions,
        "events": record.events.count(),
        "stakeholders": group_grants.values("group_id").distinct().count()
        + user_grants.values("user_id").distinct().count(),
    }


def record_delete_summary(record: Pregnancy) -> dict:
    """What deleting the record would remove: the counts, and which Care Locations and users are its
    stakeholders. For the confirmation page."""
    group_ids = PregnancyGroupPermission.objects.filter(content_object=record).values("group_id")
    return {
        **_counts(record),
        "locations": list(CareLocation.objects.filter(group_id__in=group_ids).order_by("name")),
        "users": list(
            PregnancyUserPermission.objects.filter(content_object=record)
            .select_related("user")
            .order_by("granted_at")
        ),
    }


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def record_delete(*, record_id: UUID | str, user: User, reason: str, ip: str | None = None) -> dict[str, int]:
    """Delete the whole record: every resource, every version of it and of the record root, its events and
    its stakeholder grants. Writes one DELETE entry in the audit trail first (it outlives the record) and
    returns the counts deleted. The person stays: she may have other records, and her identity is not
    part of this one.

    Each record of a bulk delete is its own entry, allowed or refused: a refusal (this user may not delete
    this record) is written as DENIED after the attempt is rolled back, and then raised."""
    try:
        return _record_delete(record_id=record_id, user=user, reason=reason, ip=ip)
    except NotAllowed as refusal:
        person_id = Pregnancy.objects.filter(pk=record_id).values_list("person_id", flat=True).first()
        record_delete_refused(
            user=user, record_id=record_id, person_id=person_id, refusal=refusal.message, ip=ip
        )
        raise


def record_delete_refused(
    *, user: User, record_id: UUID | str, person_id: int | None, refusal: Text, ip: str | None = None
) -> None:
    """The DENIED entry of an attempt to delete a record this user may not delete (also when the admin
    only shows the refusal before anything is confirmed)."""
    access_log_write(
        action=AccessAction.DELETE,
        outcome=AccessOutcome.DENIED,
        user=user,
        record_id=record_id,
        person_id=person_id,
        status_code=403,
        detail=f"Refused to delete record {record_id}: {in_english(refusal)}",
        ip=ip,
    )


@transaction.atomic
def _record_delete(*, record_id: UUID | str, user: User, reason: str, ip: str | None) -> dict[str, int]:
    try:
        record = Pregnancy.objects.select_for_update(of=("self",)).select_related("person").get(pk=record_id)
    except (Pregnancy.DoesNotExist, ValueError, ValidationError):
        raise NotFound(_("No maternity record with that id.")) from None
    refusal, location = _refusal_and_location(user, record)
    if refusal:
        raise NotAllowed(refusal)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Give the reason for deleting the whole record."), field="reason")

    counts = _counts(record)
    actor = None
    if location is not None:
        actor = Actor(
            user_type=UserType.HEALTH_CARE_PROFESSIONAL,
            user=user,
            care_location=location,
            name=user.get_full_name() or user.get_username(),
        )
    access_log_write(
        action=AccessAction.DELETE,
        outcome=AccessOutcome.ALLOWED,
        actor=actor,
        user=user,
        record_id=record.pk,
        person_id=record.person_id,
        reason=reason,
        detail=(
            f"Deleted record {record.pk} of {record.person.identifier_value} ({record.status}): "
            f"{_plural(counts['resources'], 'resource')}, {_plural(counts['versions'], 'version')}, "
            f"{_plural(counts['events'], 'event')}, {_plural(counts['stakeholders'], 'stakeholder')}."
        ),
        ip=ip,
    )

    # Deleting the rows first: django-simple-history adds a "deleted" version for each, removed with the
    # rest of the history just after.
    record_pk = record.pk
    record.delete()
    for rt in RESOURCE_TYPES.values():
        rt.model.history.filter(record_id=record_pk).delete()
    Pregnancy.history.filter(id=record_pk).delete()
    return counts
