"""Who to contact, on every portal page: her Care Location's name, phone (tap to call), address and
opening hours, her named midwife where the record has one, and the number to call when something is urgent.

Which record: the one the page is about (its `record_id`); on a page about no single record (the overview),
or one she may not see, her current pregnancy (the newest active one; with none active, her newest record,
so that after the birth she still sees who looks after her). A record entered in error is never used.

The urgent number is her location's urgent line (e.g. the maternity ward's, answered day and night), else
its phone; 113, the medical emergency number, is always given for an emergency.

One query per page (the record with its location and points of contact), whatever the page, computed once
per request and only for a signed-in pregnant person."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, IntegerField, Value, When

from maternity.models import Pregnancy, RecordStatus, UserType
from maternity.models.care import tel_uri
from maternity.reads.access import visible_records

EMERGENCY = "113"


@dataclass(frozen=True)
class Contact:
    location: str
    phone: str
    phone_tel: str
    address: str
    opening_hours: str
    midwife: str  # "Kari Nordmann, Fjordvik helsestasjon", or ""
    urgent_phone: str  # the number to call with an urgent worry: the urgent line, else the phone, else 113
    urgent_tel: str
    urgent_is_line: bool  # the location's own urgent line (not its ordinary phone, nor 113)
    emergency: str = EMERGENCY
    emergency_tel: str = tel_uri(EMERGENCY)


def _midwife(record: Pregnancy) -> str:
    points = getattr(record, "pointsofcontact", None)
    if points is None or not points.midwife_name:
        return ""
    if points.midwife_organization_name:
        return f"{points.midwife_name}, {points.midwife_organization_name}"
    return points.midwife_name


def contact_of(record: Pregnancy) -> Contact:
    """The contact box for this record (its location and points of contact already loaded)."""
    location = record.active_care_location
    urgent = location.urgent_phone or location.phone or EMERGENCY
    return Contact(
        location=location.name,
        phone=location.phone,
        phone_tel=location.phone_tel,
        address=location.address,
        opening_hours=location.opening_hours,
        midwife=_midwife(record),
        urgent_phone=urgent,
        urgent_tel=tel_uri(urgent),
        urgent_is_line=bool(location.urgent_phone),
    )


def _record_for_contact(actor, record_id) -> Pregnancy | None:
    records = (
        visible_records(actor)
        .exclude(status=RecordStatus.ENTERED_IN_ERROR)
        .select_related("active_care_location", "pointsofcontact")
    )
    current_first = Case(
        When(status=RecordStatus.ACTIVE, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    ordering: list[Any] = [current_first, "-created_at", "-pk"]
    if record_id is not None:  # this page's record first; another of hers if it is not hers to see
        ordering.insert(
            0, Case(When(pk=record_id, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
    return records.order_by(*ordering).first()


def contact_for(request) -> Contact | None:
    """The contact box for this request's page, or None (nobody signed in as a pregnant person, or no
    record of hers to take it from). Once per request."""
    if not hasattr(request, "_portal_contact"):
        actor = getattr(request, "actor", None)
        contact = None
        if actor is not None and actor.user_type == UserType.PATIENT:
            match = getattr(request, "resolver_match", None)
            record_id = match.kwargs.get("record_id") if match is not None else None
            record = _record_for_contact(actor, record_id)
            contact = contact_of(record) if record is not None else None
        request._portal_contact = contact
    return request._portal_contact
