"""Who has looked at her record: every audit entry about this pregnancy, and every search or look-up of her
as a person that named no single record since this pregnancy could have begun, as one line per person,
Care Location and day (`portal/access_groups.py`), break glass first with its coded reason in words; each
line opens to its entries, each of which she can ask about. Under it, her questions and their answers.
Which entries, and from when: `patient_audit_entries` in maternity/reads/selectors.py.

A page costs the same queries however long the trail is: three for the lines and their entries (the
practitioner's name comes in the same query through the account's profile), one for her questions and one
for the entries they are about, worded in her language (what is stored with a question is English, for the
Care Location that answers it)."""

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
from maternity.services.finding import break_glass_grant_code

from ..access_groups import grouped_access_log
from ..access_words import break_glass_reason, entry_line, grant_reason, professional_name
from ..acting import patient_view
from ..models import AccessQuestion

PAGE_SIZE = 25  # lines (person, Care Location, day) a page
QUESTIONS_SHOWN = 20


def her_questions(record: Pregnancy, *, her_user_id: int) -> list[tuple[AccessQuestion, str]]:
    """Her latest questions, each with what it is about: the entry as her access log words it now, in her
    language (else the English line kept with the question)."""
    questions = list(
        AccessQuestion.objects.filter(record=record).order_by("-asked_at", "-id")[:QUESTIONS_SHOWN]
    )
    entries = patient_audit_entries(record, her_user_id=her_user_id).filter(
        pk__in=[question.entry_id for question in questions],
        at__in=[question.entry_at for question in questions],
    )
    lines = {entry.pk: entry_line(entry) for entry in entries} if questions else {}
    return [(question, lines.get(question.entry_id, question.entry_text)) for question in questions]


def _location_name(group) -> str:
    location = getattr(group, "care_location", None)
    return location.name if location is not None else group.name


def _reason_chosen(grant) -> str:
    """A break glass's coded reason in her words; never the text the professional wrote (Normen, as
    Helsenorge: it may say anything; she can ask about the entry)."""
    if grant.reason != StakeholderReason.BREAK_GLASS:
        return ""
    return break_glass_reason(break_glass_grant_code(grant.detail))


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
            "detail": _reason_chosen(grant),
            "break_glass": grant.reason == StakeholderReason.BREAK_GLASS,
        }
        for grant in groups
    ]
    result += [
        {
            "who": professional_name(grant.user, grant.user.get_username()),
            "since": grant.granted_at,
            "why": grant_reason(grant.reason),
            "detail": _reason_chosen(grant),
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
    page, groups = grouped_access_log(
        record, her_user_id=request.user.pk, page_number=request.GET.get("page"), page_size=PAGE_SIZE
    )
    context = {
        "record": record,
        "page": page,
        "groups": groups,
        "grants": who_can_open(record),
        "questions": her_questions(record, her_user_id=request.user.pk),
    }
    return render(request, "portal/access_log.html", context)
