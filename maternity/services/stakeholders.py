"""Granting stakeholder access (DESIGN rules 1, 2, 6). Grants are never revoked by the app: a location that
has cared for a pregnancy, or found it, stays able to see it."""

from django.contrib.auth.models import Permission, User
from django.db import transaction

from maternity.reads.access import ACCESS_CODENAME

from ..actors import Actor
from ..models import CareLocation, Pregnancy, PregnancyGroupPermission, PregnancyUserPermission


def _access_permission() -> Permission:
    return Permission.objects.get(codename=ACCESS_CODENAME, content_type__app_label="maternity")


@transaction.atomic
def stakeholder_grant(
    *, record: Pregnancy, care_location: CareLocation, reason: str, detail: str = ""
) -> bool:
    """Make a Care Location a stakeholder of the record. Returns True when the grant is new."""
    _, created = PregnancyGroupPermission.objects.get_or_create(
        content_object=record,
        group_id=care_location.group_id,
        permission=_access_permission(),
        defaults={"reason": reason, "detail": detail},
    )
    return created


@transaction.atomic
def stakeholder_grant_user(*, record: Pregnancy, user: User, reason: str, detail: str = "") -> bool:
    """Make a single user a stakeholder (a person who broke glass in a browser)."""
    _, created = PregnancyUserPermission.objects.get_or_create(
        content_object=record,
        user=user,
        permission=_access_permission(),
        defaults={"reason": reason, "detail": detail},
    )
    return created


def stakeholder_grant_for(*, record: Pregnancy, actor: Actor, reason: str, detail: str = "") -> bool:
    """Whoever this actor is, make them a stakeholder: a client system makes its Care Location one (the
    Spine's rule for client systems); a person acting in a browser becomes a single-user stakeholder."""
    if actor.client_id or actor.user is None:
        if actor.care_location is None:
            return False
        return stakeholder_grant(
            record=record, care_location=actor.care_location, reason=reason, detail=detail
        )
    return stakeholder_grant_user(record=record, user=actor.user, reason=reason, detail=detail)
