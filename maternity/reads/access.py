"""Who may see which record. One place, so no caller can forget the check.

Stakeholder Care Locations (through their group) and users who broke glass see a record; the pregnant
person sees her own. Everyone else gets NotFound: never a 403, never a hint the record exists.
"""

import operator
from functools import reduce
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet

from maternity.actors import Actor
from maternity.errors import NotFound
from maternity.models import Pregnancy, PregnancyGroupPermission, PregnancyUserPermission, UserType

ACCESS_CODENAME = "access_pregnancy"
NOT_VISIBLE = "No maternity record with that id is visible to you."  # for absent and hidden alike


def visible_records(actor: Actor) -> QuerySet[Pregnancy]:
    return visible_records_of(
        user_type=actor.user_type,
        group_id=actor.care_location.group_id if actor.care_location is not None else None,
        user_id=actor.user.pk if actor.user is not None else None,
    )


def actor_arguments(actor: Actor) -> tuple[dict, dict]:
    """`visible_records_of`'s arguments for this actor, split for a `CompiledQuery`: (fixed, values)."""
    values = {}
    if actor.care_location is not None:
        values["group_id"] = actor.care_location.group_id
    if actor.user is not None:
        values["user_id"] = actor.user.pk
    return {"user_type": actor.user_type}, values


def visible_records_of(*, user_type: str, group_id: int | None, user_id: int | None) -> QuerySet[Pregnancy]:
    """`visible_records` for an actor given by its kind, its Care Location's group and its user (for
    queries compiled once per kind of actor, `maternity/database/compiled_queries.py`)."""
    if user_type == UserType.SYSTEM:
        return Pregnancy.objects.all()
    if user_type == UserType.PATIENT:
        if user_id is None:
            return Pregnancy.objects.none()
        return Pregnancy.objects.filter(person__user_id=user_id)
    condition = stakeholder_condition_of(group_id=group_id, user_id=user_id, record_field="pk")
    return Pregnancy.objects.filter(condition) if condition is not None else Pregnancy.objects.none()


def stakeholder_condition(actor: Actor, record_field: str) -> Exists | Q | None:
    """ "The professional actor is a stakeholder of the record in `record_field`", for the filter of any
    queryset that names a record (its location's group grant, or her own break-glass grant). Checked per
    row through the grants' indexes, so it costs the same however many records there are. None: no way in.
    """
    return stakeholder_condition_of(
        group_id=actor.care_location.group_id if actor.care_location is not None else None,
        user_id=actor.user.pk if actor.user is not None else None,
        record_field=record_field,
    )


def stakeholder_condition_of(
    *, group_id: int | None, user_id: int | None, record_field: str
) -> Exists | Q | None:
    grants = []
    if group_id is not None:
        grants.append(
            Exists(
                PregnancyGroupPermission.objects.filter(
                    content_object=OuterRef(record_field),
                    group_id=group_id,
                    permission__codename=ACCESS_CODENAME,
                )
            )
        )
    if user_id is not None:
        grants.append(
            Exists(
                PregnancyUserPermission.objects.filter(
                    content_object=OuterRef(record_field),
                    user_id=user_id,
                    permission__codename=ACCESS_CODENAME,
                )
            )
        )
    return reduce(operator.or_, grants) if grants else None


def get_record_for(actor: Actor, record_id: UUID | str, *, queryset: QuerySet | None = None) -> Pregnancy:
    """The record if the actor may see it, else NotFound (the same error for absent and hidden)."""
    source = visible_records(actor)
    if queryset is not None:
        source = queryset.filter(pk__in=source.values("pk"))
    try:
        return source.get(pk=record_id)
    except (Pregnancy.DoesNotExist, ValueError, ValidationError):
        raise NotFound(NOT_VISIBLE) from None


def can_access(actor: Actor, record: Pregnancy) -> bool:
    return visible_records(actor).filter(pk=record.pk).exists()
