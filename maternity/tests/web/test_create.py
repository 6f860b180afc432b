"""Creating a pregnancy: who may, the three ways to the due date, pregnancies already on record, and every
bad input (the form again with a clear error, nothing created)."""

from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages

from conftest import new_nin
from maternity import services
from maternity.models import AccessAction, AccessLog, AccessOutcome, CurrentPregnancy, Mother, Pregnancy
from maternity.rules.clinical import edd_from_crl, edd_from_lmp
from maternity.rules.identifiers import parse_national_id

from .conftest import signed_in
from .factories import days_from_today, edd_at, make_pregnancy

URL = "/new/"
BORN = date(1994, 5, 17)


@pytest.fixture
def nin():
    return new_nin(BORN)


def form(nin, **fields) -> dict:
    return {"national_id": nin, "date_of_birth": BORN.isoformat(), **fields}


def iso(days: int) -> str:
    return days_from_today(days).isoformat()


def created(response) -> Pregnancy:
    assert response.status_code == 302, response.content.decode()[:3000]
    record = Pregnancy.objects.get()
    assert response["Location"] == f"/records/{record.pk}/"
    return record


# --- who may ----------------------------------------------------------------------------------------------


def test_signed_out_is_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/new/"


def test_user_who_is_not_a_practitioner_gets_403_and_creates_nothing(not_a_practitioner, nin):
    response = signed_in(not_a_practitioner).post(URL, form(nin, method="edd", edd=iso(100)))
    assert response.status_code == 403
    assert not Pregnancy.objects.exists()
    assert AccessLog.objects.get().outcome == AccessOutcome.DENIED


def test_the_form_shows_the_crl_range_and_writes_no_audit_entry(web_a):
    response = web_a.get(URL)
    assert response.status_code == 200
    assert b"15 to 95 mm (about 8+3 to 15+0 weeks)" in response.content
    assert b'aria-current="page">New pregnancy' in response.content
    assert not AccessLog.objects.exists()


# --- the three ways to the due date -----------------------------------------------------------------------


def test_create_with_the_due_date_from_the_lmp(web_a, midwife_a, location_a, nin):
    lmp = days_from_today(-70)
    response = web_a.post(URL, form(nin, method="lmp", lmp=lmp.isoformat(), name="Astrid Berg"))
    record = created(response)
    assert record.agreed_edd == edd_from_lmp(lmp)
    current = CurrentPregnancy.objects.get(record=record)
    assert (current.due_date, current.date_last_period) == (edd_from_lmp(lmp), lmp)  # the LMP is kept
    assert record.active_care_location == location_a
    assert record.person.identifier_value == nin
    assert Mother.objects.get(record=record).name == "Astrid Berg"
    entry = AccessLog.objects.get()
    assert (entry.action, entry.outcome) == (AccessAction.CREATE, AccessOutcome.ALLOWED)
    assert (entry.record_id, entry.person_id, entry.user) == (record.pk, record.person_id, midwife_a)
    assert "from the LMP" in entry.detail
    [message] = get_messages(response.wsgi_request)
    assert "Pregnancy created" in str(message)


def test_create_with_the_due_date_from_a_dating_scan(web_a, nin):
    scan = days_from_today(-10)
    record = created(web_a.post(URL, form(nin, method="scan", crl_mm="45", scan_date=scan.isoformat())))
    assert record.agreed_edd == edd_from_crl(crl_mm=45, scan_date=scan)
    assert CurrentPregnancy.objects.get(record=record).due_date_based_on_ultrasound == record.agreed_edd
    assert not Mother.objects.filter(record=record).exists()


def test_crl_may_have_one_decimal_and_the_limits_are_allowed(web_a, nin, actor_a):
    scan = days_from_today(-3)
    record = created(web_a.post(URL, form(nin, method="scan", crl_mm="15.0", scan_date=scan.isoformat())))
    assert record.agreed_edd == edd_from_crl(crl_mm=15, scan_date=scan)
    other = new_nin(BORN)
    response = web_a.post(URL, form(other, method="scan", crl_mm="95", scan_date=scan.isoformat()))
    assert response.status_code == 302


def test_create_with_the_agreed_due_date_entered_directly(web_a, nin):
    edd = days_from_today(150)
    record = created(web_a.post(URL, form(nin, method="edd", edd=edd.isoformat())))
    assert record.agreed_edd == edd
    assert CurrentPregnancy.objects.get(record=record).due_date_corrected_date == edd


def test_the_way_is_taken_from_the_fields_filled_in_when_none_is_chosen(web_a, nin):
    edd = days_from_today(150)
    record = created(web_a.post(URL, form(nin, edd=edd.isoformat())))
    assert CurrentPregnancy.objects.get(record=record).due_date_corrected_date == edd


def test_the_chosen_way_wins_over_other_fields_filled_in(web_a, nin):
    lmp = days_from_today(-70)
    record = created(web_a.post(URL, form(nin, method="lmp", lmp=lmp.isoformat(), edd=iso(10))))
    assert record.agreed_edd == edd_from_lmp(lmp)


def test_a_midwife_with_two_locations_creates_for_the_one_she_acts_for(location_b, location_c, nin):
    from maternity.signin.locations import SESSION_KEY

    from .conftest import practitioner

    client = signed_in(practitioner("solveig", location_b, location_c))
    session = client.session
    session[SESSION_KEY] = location_c.pk
    session.save()
    record = created(client.post(URL, form(nin, method="edd", edd=iso(100))))
    assert record.active_care_location == location_c


# --- already on record ------------------------------------------------------------------------------------


def test_keys_of_a_pregnancy_elsewhere_409_with_a_way_to_find_it(web_b, actor_a, nin):
    existing = make_pregnancy(actor_a, name="Astrid Berg", edd=edd_at(20), nin=nin, born=BORN)
    edd = existing.agreed_edd + timedelta(days=10)
    response = web_b.post(URL, form(nin, method="edd", edd=edd.isoformat(), name="Someone Else"))
    assert response.status_code == 409
    content = response.content.decode()
    assert "This pregnancy is already on record" in content
    assert "Nothing was created." in content
    assert 'action="/find/"' in content
    assert f'name="national_id" value="{nin}"' in content
    assert f'name="edd" value="{edd.isoformat()}"' in content
    assert "Astrid" not in content  # she may not see it yet
    assert Pregnancy.objects.count() == 1
    assert Mother.objects.get().name == "Astrid Berg"
    entry = AccessLog.objects.get()
    assert (entry.action, entry.outcome, entry.status_code) == (
        AccessAction.CREATE,
        AccessOutcome.REJECTED,
        409,
    )
    assert entry.record_id is None


def test_keys_of_a_pregnancy_she_can_see_409_with_a_link_to_it(web_a, actor_a, nin):
    existing = make_pregnancy(actor_a, name="Astrid Berg", edd=edd_at(20), nin=nin, born=BORN)
    response = web_a.post(URL, form(nin, method="edd", edd=existing.agreed_edd.isoformat()))
    assert response.status_code == 409
    content = response.content.decode()
    assert f'href="/records/{existing.pk}/">Astrid Berg, EDD' in content
    assert 'action="/find/"' not in content
    assert Pregnancy.objects.count() == 1


def test_another_active_pregnancy_of_hers_409_with_the_reason(web_b, actor_a, nin):
    make_pregnancy(actor_a, edd=edd_at(20), nin=nin, born=BORN)
    response = web_b.post(URL, form(nin, method="edd", edd=iso(250)))
    assert response.status_code == 409
    content = response.content.decode()
    assert "An active maternity record already exists for this person" in content
    assert 'href="/find/"' in content
    assert Pregnancy.objects.count() == 1


def test_her_active_record_without_a_due_date_is_completed(web_b, midwife_actor, nin):
    empty = services.record_create(national_id=parse_national_id(nin), actor=midwife_actor)
    edd = days_from_today(120)
    response = web_b.post(URL, form(nin, method="edd", edd=edd.isoformat()))
    assert response["Location"] == f"/records/{empty.pk}/"
    empty.refresh_from_db()
    assert empty.agreed_edd == edd
    assert Pregnancy.objects.count() == 1
    [message] = get_messages(response.wsgi_request)
    assert "She already had an active record with no due date" in str(message)


# --- bad input --------------------------------------------------------------------------------------------

TOO_FAR = 281
TOO_LATE = -36  # 45+1 today


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"national_id": ""}, "national_id", "Enter her national ID."),
        ({"national_id": "12345678901"}, "national_id", "This is not a valid national ID"),
        ({"national_id": "943 476 5918"}, "national_id", "NHS number 9434765918 fails its check digit."),
        (
            {"national_id": "ABC"},
            "national_id",
            "This is not a valid national ID: Cannot tell which identifier",
        ),
        ({"date_of_birth": ""}, "date_of_birth", "Enter her date of birth."),
        ({"date_of_birth": "17/13/1994"}, "date_of_birth", "Enter a real date."),
        ({"date_of_birth": "2999-05-17"}, "date_of_birth", "cannot be in the future"),
        (
            {"date_of_birth": "1994-05-16"},
            "date_of_birth",
            "The national ID says she was born on 17 May 1994",
        ),
        ({"method": "guess", "edd": "x"}, "method", "Select a valid choice."),
        ({}, "method", "Give the due date one of the three ways"),
        ({"lmp": iso(-70), "edd": iso(100)}, "method", "Choose which of the due dates you gave to use."),
        ({"method": "lmp"}, "lmp", "Enter the first day of her last menstrual period."),
        ({"method": "lmp", "lmp": "yesterday"}, "lmp", "Enter a real date."),
        ({"method": "lmp", "lmp": iso(1)}, "lmp", "The last period cannot start in the future."),
        ({"method": "lmp", "lmp": iso(-400)}, "lmp", "weeks pregnant today: check the date"),
        ({"method": "scan", "scan_date": iso(-1)}, "crl_mm", "Enter the crown-rump length"),
        ({"method": "scan", "crl_mm": "45"}, "scan_date", "Enter the date of the scan."),
        ({"method": "scan", "crl_mm": "14.9", "scan_date": iso(-1)}, "crl_mm", "works for 15 to 95 mm"),
        ({"method": "scan", "crl_mm": "95.1", "scan_date": iso(-1)}, "crl_mm", "works for 15 to 95 mm"),
        ({"method": "scan", "crl_mm": "450", "scan_date": iso(-1)}, "crl_mm", "works for 15 to 95 mm"),
        ({"method": "scan", "crl_mm": "45.25", "scan_date": iso(-1)}, "crl_mm", "one decimal place"),
        ({"method": "scan", "crl_mm": "forty", "scan_date": iso(-1)}, "crl_mm", "in millimetres"),
        ({"method": "scan", "crl_mm": "45", "scan_date": iso(2)}, "scan_date", "cannot be in the future"),
        ({"method": "scan", "crl_mm": "45", "scan_date": iso(-365)}, "scan_date", "check the date"),
        ({"method": "edd"}, "edd", "Enter the agreed due date."),
        ({"method": "edd", "edd": iso(TOO_FAR)}, "edd", "more than 40 weeks away"),
        ({"method": "edd", "edd": iso(TOO_LATE)}, "edd", "45+1 weeks pregnant today"),
        ({"method": "edd", "edd": iso(100), "name": "x" * 201}, "name", "at most 200 characters"),
    ],
)
def test_bad_input_shows_the_form_again_with_a_clear_error_and_creates_nothing(
    web_a, nin, fields, field, message
):
    response = web_a.post(URL, form(nin, **fields))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert message.encode() in response.content
    assert not Pregnancy.objects.exists()
    entry = AccessLog.objects.get()
    assert (entry.action, entry.outcome, entry.status_code) == (
        AccessAction.CREATE,
        AccessOutcome.REJECTED,
        400,
    )
    assert field in entry.detail


def test_the_form_comes_back_with_what_was_typed(web_a, nin):
    response = web_a.post(URL, form(nin, method="scan", crl_mm="14", scan_date=iso(-2), name="Astrid Berg"))
    content = response.content.decode()
    assert f'value="{nin}"' in content
    assert 'value="Astrid Berg"' in content
    assert 'value="14"' in content
    assert 'value="scan"' in content and "checked" in content
