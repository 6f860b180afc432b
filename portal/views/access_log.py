"""Who has looked at her record: every audit entry about this pregnancy, newest first, and every search or
look-up of her as a person that named no single record since this pregnancy could have begun.
Break-glass accesses stand out with the reason given. Which entries, and from when: `patient_audit_entries`
in maternity/reads/selectors.py.

A page of entries costs the same two queries (count and page) however long the trail is; the practitioner's
name comes in the same query through the account's profile."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from maternity.models import (
    AccessAction,
    Pregnancy,
    PregnancyGroupPermission,
    PregnancyUserPermission,
    RecordStatus,
    StakeholderReason,
)
from maternity.reads.access import ACCESS_CODENAME, get_record_for
from maternity.reads.selectors import patient_audit_entries

from ..access_words import access, grant_reason, professional_name
from ..acting import patient_view

PAGE_SIZE = 25


def _location_name(group) -> str:
    location = getattr(group, "care_location", None)
    return location.name if location is not None else group.name


def who_can_open(record: Pregnancy) -> list[dict]:
    """The Care Locations, and single professionals who broke glass, that can open the record, and why."""
    groups = (
        PregnancyGroupPermission.objects.filter(content_object=record, permission__codename=ACCESS_CODENAME)
        .select_related("group__care_location")
        .order_by("granted_at", "pk")
    )
    users = (
        PregnancyUserPermission.objects.filter(content_object=record, permission__codename=ACCESS_CODENAME)
        .select_related("user__practitioner")
        .order_by("granted_at", "pk")
    )
    result = [
        {
            "who": _location_name(grant.group),
            "since": grant.granted_at,
            "why": grant_reason(grant.reason),
            "detail": grant.detail if grant.reason == StakeholderReason.BREAK_GLASS else "",
            "break_glass": grant.reason == StakeholderReason.BREAK_GLASS,
        }
        for grant in groups
    ]
    result += [
        {
            "who": professional_name(grant.user, grant.user.get_username()),
            "since": grant.granted_at,
            "why": grant_reason(grant.reason),
            "detail": grant.detail,
            "break_glass": grant.reason == StakeholderReason.BREAK_GLASS,
        }
        for grant in users
    ]
    return result


@require_safe
@patient_view(AccessAction.AUDIT_READ)
def access_log(request, record_id):
    record = get_record_for(
        request.actor, record_id, queryset=Pregnancy.objects.exclude(status=RecordStatus.ENTERED_IN_ERROR)
    )
    request.audit.person_id = record.person_id
    page = Paginator(patient_audit_entries(record, her_user_id=request.user.pk), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "record": record,
        "page": page,
        "accesses": [access(entry) for entry in page.object_list],
        "grants": who_can_open(record),
    }
    return render(request, "portal/access_log.html", context)
