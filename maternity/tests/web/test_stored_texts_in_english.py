"""What is stored stays English when the page is in Bokmål: the model's choice labels are translated where
they are shown, but a break-glass grant and note, and a planned booking's note, keep the English words."""

import re
from datetime import date

import pytest
from django.utils import translation

from maternity import services
from maternity.models import Booking, Note, NoteKind, PregnancyUserPermission, StakeholderReason
from maternity.rules.identifiers import parse_national_id
from maternity.rules.pregnancy_keys import PregnancyKeys

from .conftest import midwife
from .factories import edd_at, make_pregnancy

pytestmark = pytest.mark.django_db

BORN = date(1994, 5, 17)


def test_breaking_glass_from_a_page_in_bokmal_keeps_the_reason_in_english(actor_a, actor_b):
    edd = edd_at(30)
    pregnancy = make_pregnancy(actor_a, edd=edd, born=BORN)
    keys = PregnancyKeys(parse_national_id(pregnancy.person.identifier_value), BORN, edd)

    with translation.override("nb"):
        services.record_find_by_keys(
            keys=keys, reason_code="EMERGENCY", reason="Brought in by ambulance", actor=actor_b
        )

    grant = PregnancyUserPermission.objects.get(
        content_object=pregnancy, reason=StakeholderReason.BREAK_GLASS
    )
    assert grant.detail == "Emergency care or acute admission (EMERGENCY): Brought in by ambulance"
    note = Note.objects.get(record=pregnancy, kind=NoteKind.BREAK_GLASS)
    assert note.text.endswith("Reason: Emergency care or acute admission: Brought in by ambulance")


def test_a_plan_booked_in_bokmal_keeps_its_notes_in_english(location_a, settings):
    settings.VISIT_SCHEDULE = "NO"
    client, actor = midwife("kari", location_a)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "nb"
    record = make_pregnancy(actor, edd=edd_at(30))
    plan = f"/records/{record.pk}/bookings/plan/"
    page = client.get(plan).content.decode()
    data = {"place": "Rom 3", "with_whom": "", "duration_minutes": ""}
    data.update(re.findall(r'name="(visit-[^"]+)"[^>]*?value="([^"]*)"', page))
    data.update({f"{name[: -len('week')]}book": "on" for name in list(data) if name.endswith("-week")})

    assert client.post(plan, data).status_code == 302

    notes = dict(Booking.objects.values_list("planned_week", "note"))
    assert notes[10] == "First consultation (booking), by 12 weeks"
    assert notes[32] is None  # "Antenatal check" only repeats the kind
