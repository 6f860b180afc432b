"""Finding a pregnancy by its keys (break glass): who may, what a match and a miss do, every bad input."""

from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages

from conftest import new_nin
from maternity.models import (
    AccessAction,
    AccessLog,
    AccessOutcome,
    BreakGlassReason,
    Note,
    NoteKind,
    PregnancyUserPermission,
)
from maternity.reads.access import can_access
from maternity.signin.locations import SESSION_KEY

from .conftest import practitioner, signed_in
from .factories import actor_for, edd_at, make_pregnancy

URL = "/find/"
BORN = date(1994, 5, 17)
REASON = "Admitted to our ward in labour; booked at St Olavs."


@pytest.fixture
def pregnancy(actor_a):
    """Astrid's pregnancy, created and cared for at location A."""
    return make_pregnancy(actor_a, name="Astrid Berg", edd=edd_at(38), nin=new_nin(BORN), born=BORN)


def keys(record, **overrides) -> dict:
    values = {
        "national_id": record.person.identifier_value,
        "date_of_birth": BORN.isoformat(),
        "edd": record.agreed_edd.isoformat(),
        "reason_code": "LABOUR",
        "reason": REASON,
    }
    return {**values, **overrides}


def test_signed_out_is_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/find/"


def test_user_who_is_not_a_practitioner_gets_403(not_a_practitioner, pregnancy):
    response = signed_in(not_a_practitioner).post(URL, keys(pregnancy))
    assert response.status_code == 403
    assert AccessLog.objects.get().outcome == AccessOutcome.DENIED


def test_the_form_warns_that_the_access_is_recorded_and_shown_to_her(web_b):
    response = web_b.get(URL)
    assert response.status_code == 200
    assert b"the pregnant person can see them" in response.content
    assert b'aria-current="page">Find a pregnancy' in response.content
    assert not AccessLog.objects.exists()  # an empty form: nobody was looked for


def test_midwife_elsewhere_breaks_glass_and_goes_to_the_record(
    web_b, actor_b, midwife_b, location_b, pregnancy
):
    assert not can_access(actor_b, pregnancy)
    response = web_b.post(URL, keys(pregnancy))
    assert response.status_code == 302
    assert response["Location"] == f"/records/{pregnancy.pk}/"
    assert can_access(actor_b, pregnancy)
    note = Note.objects.get(record=pregnancy, kind=NoteKind.BREAK_GLASS)
    assert REASON in note.text
    assert f"Reason: In labour or giving birth at this location: {REASON}" in note.text
    entry = AccessLog.objects.get()
    assert (entry.action, entry.outcome) == (AccessAction.BREAK_GLASS, AccessOutcome.ALLOWED)
    assert (entry.reason_code, entry.reason) == ("LABOUR", REASON)
    assert entry.record_id == pregnancy.pk
    assert entry.person_id == pregnancy.person_id
    assert entry.care_location == location_b
    assert entry.user == midwife_b
    [message] = get_messages(response.wsgi_request)
    assert "You broke glass" in str(message)


def test_edd_within_21_days_matches(web_b, pregnancy):
    edd = pregnancy.agreed_edd + timedelta(days=21)
    response = web_b.post(URL, keys(pregnancy, edd=edd.isoformat()))
    assert response["Location"] == f"/records/{pregnancy.pk}/"


def test_midwife_at_a_stakeholder_location_finds_without_breaking_glass(web_a, pregnancy):
    response = web_a.post(URL, keys(pregnancy))
    assert response["Location"] == f"/records/{pregnancy.pk}/"
    assert not Note.objects.filter(record=pregnancy, kind=NoteKind.BREAK_GLASS).exists()
    entry = AccessLog.objects.get()
    assert (entry.action, entry.outcome, entry.reason) == (AccessAction.FIND, AccessOutcome.ALLOWED, REASON)
    assert entry.record_id == pregnancy.pk


def test_second_find_after_breaking_glass_is_a_plain_find(web_b, pregnancy):
    web_b.post(URL, keys(pregnancy))
    web_b.post(URL, keys(pregnancy))
    assert [e.action for e in AccessLog.objects.order_by("id")] == [
        AccessAction.BREAK_GLASS,
        AccessAction.FIND,
    ]
    assert Note.objects.filter(record=pregnancy, kind=NoteKind.BREAK_GLASS).count() == 1


@pytest.mark.parametrize(
    "wrong",
    [
        {"edd_days": 22},
        {"edd_days": -22},
        {"other_person": True},
    ],
)
def test_no_match_says_only_that(web_b, actor_b, pregnancy, wrong):
    data = keys(pregnancy)
    if "edd_days" in wrong:
        data["edd"] = (pregnancy.agreed_edd + timedelta(days=wrong["edd_days"])).isoformat()
    else:
        data["national_id"] = new_nin(BORN)
    response = web_b.post(URL, data)
    assert response.status_code == 404
    content = response.content.decode()
    assert "No pregnancy matches these keys" in content
    assert "Astrid" not in content and "St Olavs hospital" not in content
    assert not can_access(actor_b, pregnancy)
    entry = AccessLog.objects.get()
    assert (entry.action, entry.outcome, entry.status_code) == (AccessAction.FIND, AccessOutcome.DENIED, 404)
    assert entry.record_id is None and entry.person_id is None
    assert entry.reason == REASON


def test_the_form_comes_back_filled_in_after_a_miss(web_b, pregnancy):
    data = keys(pregnancy, edd=(pregnancy.agreed_edd + timedelta(days=40)).isoformat())
    content = web_b.post(URL, data).content.decode()
    assert f'value="{data["national_id"]}"' in content
    assert REASON in content


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"national_id": ""}, "national_id", "Enter her national ID."),
        ({"national_id": "12345678901"}, "national_id", "This is not a valid national ID"),
        ({"national_id": "hello"}, "national_id", "This is not a valid national ID"),
        ({"date_of_birth": ""}, "date_of_birth", "Enter her date of birth."),
        ({"date_of_birth": "1994-02-31"}, "date_of_birth", "Enter a real date."),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", "cannot be in the future"),
        (
            {"date_of_birth": "1994-05-18"},
            "date_of_birth",
            "The national ID says she was born on 17 May 1994",
        ),
        ({"edd": ""}, "edd", "Enter her due date."),
        ({"edd": "next week"}, "edd", "Enter a real date."),
        ({"edd": "2999-01-01"}, "edd", "more than 40 weeks from today"),
        ({"reason": ""}, "reason", "Say why you need this record in at least 10 characters"),
        ({"reason": "   "}, "reason", "Say why you need this record in at least 10 characters"),
        ({"reason": "x"}, "reason", "at least 10 characters (you gave 1)"),
        ({"reason": "  labour   "}, "reason", "at least 10 characters (you gave 6)"),
        ({"reason": "x" * 1001}, "reason", "at most 1000 characters (you gave 1001)"),
        ({"reason_code": ""}, "reason_code", "Choose the reason you need her record"),
        ({"reason_code": "CURIOUS"}, "reason_code", "Choose one of the reasons listed."),
        (
            {"reason_code": "OTHER", "reason": "other"},
            "reason",
            "Say what the other reason is in at least 10",
        ),
    ],
)
def test_bad_input_shows_the_form_again_with_a_clear_error(web_b, actor_b, pregnancy, change, field, message):
    response = web_b.post(URL, keys(pregnancy, **change))
    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert message.encode() in response.content
    assert b'aria-invalid="true"' in response.content
    assert not can_access(actor_b, pregnancy)
    assert not Note.objects.filter(kind=NoteKind.BREAK_GLASS).exists()
    entry = AccessLog.objects.get()
    assert (entry.action, entry.outcome, entry.status_code) == (
        AccessAction.FIND,
        AccessOutcome.REJECTED,
        400,
    )
    assert field in entry.detail


def test_spaces_in_the_national_id_are_ignored(web_b, pregnancy):
    nin = pregnancy.person.identifier_value
    response = web_b.post(URL, keys(pregnancy, national_id=f"{nin[:6]} {nin[6:]}"))
    assert response["Location"] == f"/records/{pregnancy.pk}/"


def test_breaking_glass_gives_access_to_her_alone_acting_for_the_location_she_chose(
    location_a, location_b, location_c, pregnancy
):
    user = practitioner("solveig", location_b, location_c, name="Solveig Bakke")
    client = signed_in(user)
    session = client.session
    session[SESSION_KEY] = location_c.pk
    session.save()
    response = client.post(URL, keys(pregnancy))
    assert response["Location"] == f"/records/{pregnancy.pk}/"
    assert can_access(actor_for(user, location_c), pregnancy)
    assert not can_access(actor_for(None, location_c), pregnancy)  # her colleagues at C
    assert not can_access(actor_for(None, location_b), pregnancy)
    entry = AccessLog.objects.get()
    assert (entry.action, entry.care_location) == (AccessAction.BREAK_GLASS, location_c)
    assert "Solveig Bakke at Haukeland fødeavdeling" in Note.objects.get(kind=NoteKind.BREAK_GLASS).text


def test_the_form_offers_each_reason_code_as_a_choice(web_b):
    content = web_b.get(URL).content.decode()
    assert "<legend>Reason for breaking glass</legend>" in content
    for code, label in BreakGlassReason.choices:
        assert f'value="{code}"' in content and str(label) in content


def test_a_missing_code_and_a_short_reason_are_both_shown_at_once(web_b, pregnancy):
    response = web_b.post(URL, keys(pregnancy, reason_code="", reason="short"))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"reason_code", "reason"}
    assert b'href="#id_reason_code_0"' in response.content


def test_ten_characters_after_trimming_are_enough(web_b, pregnancy):
    response = web_b.post(URL, keys(pregnancy, reason="  In labour!  ", reason_code="OTHER"))
    assert response["Location"] == f"/records/{pregnancy.pk}/"
    entry = AccessLog.objects.get()
    assert (entry.reason_code, entry.reason) == ("OTHER", "In labour!")


def test_the_grant_says_which_reason_and_why(web_b, midwife_b, pregnancy):
    web_b.post(URL, keys(pregnancy, reason_code="EMERGENCY", reason="Brought in by ambulance, bleeding"))
    grant = PregnancyUserPermission.objects.get(content_object=pregnancy, user=midwife_b)
    assert grant.reason == "BREAK_GLASS"
    assert grant.detail == "Emergency care or acute admission (EMERGENCY): Brought in by ambulance, bleeding"


def test_the_records_access_log_shows_the_reason_code_with_the_reason(web_a, web_b, pregnancy):
    web_b.post(URL, keys(pregnancy, reason_code="TRANSFER", reason="Referral received from her GP today"))
    page = web_a.get(f"/records/{pregnancy.pk}/access-log/").content.decode()
    assert (
        '<span class="reason-code" data-reason-code="TRANSFER">Care transferred or referral received</span>: '
        "Referral received from her GP today"
    ) in page


def test_the_break_glass_offer_on_the_create_page_asks_for_the_code_too(web_b, pregnancy):
    data = {
        "national_id": pregnancy.person.identifier_value,
        "date_of_birth": BORN.isoformat(),
        "method": "edd",
        "edd": pregnancy.agreed_edd.isoformat(),
    }
    response = web_b.post("/new/", data)
    assert response.status_code == 409, response.content
    content = response.content.decode()
    assert 'name="reason_code"' in content and 'id="conflict-reason_code_0"' in content
    assert 'id="conflict-reason"' in content
