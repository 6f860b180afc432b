"""Told when it matters: she opts in to an email when someone breaks the glass to open her record and when
her midwife reads her birth plan. Sent to a real SMTP server (aiosmtpd, on a free loopback port) after the
write commits; nothing for a write rolled back or a person who has not opted in; no clinical data in it; a
mail server that is down leaves the clinical write standing. Her choices page: opt in and out, a bad
address refused with nothing saved, every visit audited."""

import logging
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from maternity import services
from maternity.actors import Actor
from maternity.models import AccessAction, AccessLog, NoteKind, UserType
from maternity.rules.identifiers import parse_national_id
from maternity.rules.pregnancy_keys import PregnancyKeys
from maternity.tests.smtp_server import free_port, smtp_server
from portal.models import NotificationPreference

pytestmark = pytest.mark.django_db

URL = "/portal/notifications/"


@pytest.fixture
def smtp(settings):
    """A real SMTP server on loopback, and Django's SMTP backend pointed at it."""
    with smtp_server(
        settings, sender="maternity-record@example.no", PORTAL_PUBLIC_URL="https://portal.example.no"
    ) as inbox:
        yield inbox


@pytest.fixture
def dated(record, midwife_actor):
    """Her record with a due date, so that her keys find it."""
    edd = timezone.localdate() + timedelta(days=80)
    services.resource_create(
        record_id=record.pk,
        resource_type="currentPregnancy",
        data={"due_date": edd, "date_last_period": edd - timedelta(days=280), "number_of_fetuses": 1},
        actor=midwife_actor,
    )
    record.refresh_from_db()
    return record


def opt_in(person, email="astrid@example.no", *, break_glass=True, birth_plan=True):
    return NotificationPreference.objects.create(
        person=person, email=email, on_break_glass=break_glass, on_birth_plan_read=birth_plan
    )


def break_glass(record, location_c):
    stranger = Actor(
        user_type=UserType.HEALTH_CARE_PROFESSIONAL, care_location=location_c, name="Per Vakt", hpr_role="LE"
    )
    person = record.person
    return services.record_find_by_keys(
        keys=PregnancyKeys(
            parse_national_id(person.identifier_value), person.date_of_birth, record.agreed_edd
        ),
        reason_code="EMERGENCY",
        reason="Came to A&E in labour",
        actor=stranger,
    )


def test_break_glass_sends_one_email_to_her_when_she_opted_in(
    dated, location_c, smtp, django_capture_on_commit_callbacks
):
    opt_in(dated.person)
    with django_capture_on_commit_callbacks(execute=True):
        found = break_glass(dated, location_c)
    assert found.broke_glass
    assert len(smtp.received) == 1
    to, message = smtp.received[0]
    assert to == ["astrid@example.no"]
    assert "Subject: Someone opened your maternity record" in message
    assert "From: maternity-record@example.no" in message
    assert (
        "Someone from a Care Location that was not caring for you opened your maternity record on" in message
    )
    assert f"https://portal.example.no/portal/pregnancies/{dated.pk}/access-log/" in message


def test_the_email_holds_no_national_id_name_place_reason_or_clinical_data(
    dated, location_c, smtp, django_capture_on_commit_callbacks
):
    opt_in(dated.person)
    with django_capture_on_commit_callbacks(execute=True):
        break_glass(dated, location_c)
    ((_, message),) = smtp.received
    headers, _, body = message.replace("\r\n", "\n").partition("\n\n")
    assert "Subject: Someone opened your maternity record" in headers and "To: astrid@example.no" in headers
    message = headers.replace("To: astrid@example.no", "") + body  # her address only where it is sent to
    person = dated.person
    for secret in (
        person.identifier_value,
        person.identifier_value[:6],
        "Astrid",
        "Berg",
        "Per Vakt",
        location_c.name,
        "A&E",
        "labour",
        "acute admission",  # the reason code's words
        str(dated.agreed_edd),
    ):
        assert secret.lower() not in message.lower(), secret


def test_break_glass_sends_nothing_to_her_when_she_has_not_opted_in(
    dated, location_c, smtp, django_capture_on_commit_callbacks
):
    opt_in(dated.person, break_glass=False)  # only the birth plan
    with django_capture_on_commit_callbacks(execute=True):
        assert break_glass(dated, location_c).broke_glass
    assert smtp.received == []


def test_break_glass_sends_nothing_to_her_without_any_choice_made(
    dated, location_c, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert break_glass(dated, location_c).broke_glass
    assert smtp.received == []


def test_a_break_glass_rolled_back_sends_nothing(dated, location_c, smtp, django_capture_on_commit_callbacks):
    opt_in(dated.person)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        break_glass(dated, location_c)
        raise RuntimeError("something after it failed")
    assert callbacks == []
    assert smtp.received == []
    assert not dated.notes.filter(kind=NoteKind.BREAK_GLASS).exists()


def test_a_mail_server_that_is_down_does_not_fail_the_break_glass(
    dated, location_c, settings, caplog, django_capture_on_commit_callbacks
):
    opt_in(dated.person)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", free_port(), False
    with (
        caplog.at_level(logging.WARNING, logger="portal.notifications"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        found = break_glass(dated, location_c)
    assert found.broke_glass
    assert dated.notes.filter(kind=NoteKind.BREAK_GLASS).count() == 1  # the write stands
    assert any("Could not send a notification email" in r.getMessage() for r in caplog.records)


def test_her_midwife_reading_her_birth_plan_sends_one_email(
    record, patient, midwife_actor, smtp, django_capture_on_commit_callbacks
):
    her = Actor(
        user_type=UserType.PATIENT, user=patient, name="Astrid Berg", source_system="maternity portal"
    )
    services.birth_plan_save(
        record_id=record.pk, version=None, data={"pain_relief": "An epidural, early"}, actor=her
    )
    opt_in(record.person, break_glass=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.birth_plan_acknowledge(record_id=record.pk, version=1, actor=midwife_actor)
        services.birth_plan_acknowledge(record_id=record.pk, version=1, actor=midwife_actor)  # again: no more
    ((to, message),) = smtp.received
    assert to == ["astrid@example.no"]
    assert "Subject: Your birth plan has been read" in message
    assert "Your midwife marked your birth plan as read on" in message
    assert f"https://portal.example.no/portal/pregnancies/{record.pk}/birth-plan/" in message
    assert "epidural" not in message and "Kari" not in message and "Astrid" not in message


def test_her_midwife_reading_her_birth_plan_sends_nothing_when_she_opted_only_for_break_glass(
    record, patient, midwife_actor, smtp, django_capture_on_commit_callbacks
):
    her = Actor(
        user_type=UserType.PATIENT, user=patient, name="Astrid Berg", source_system="maternity portal"
    )
    services.birth_plan_save(record_id=record.pk, version=None, data={"pain_relief": "Water"}, actor=her)
    opt_in(record.person, birth_plan=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.birth_plan_acknowledge(record_id=record.pk, version=1, actor=midwife_actor)
    assert smtp.received == []


# Her choices page


def entries(person):
    return AccessLog.objects.filter(person_id=person.pk, resource_type="notificationPreference").order_by(
        "pk"
    )


def test_she_sees_her_choices_off_until_she_turns_them_on_and_the_visit_is_audited(portal, record):
    response = portal.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Emails to you" in page and " checked" not in page
    (entry,) = entries(record.person)
    assert entry.action == AccessAction.READ


def test_she_opts_in_and_out_and_each_change_is_audited(portal, record):
    response = portal.post(
        URL, {"email": " astrid@example.no ", "on_break_glass": "on", "on_birth_plan_read": "on"}
    )
    assert response.status_code == 302
    saved = NotificationPreference.objects.get(person=record.person)
    assert (saved.email, saved.on_break_glass, saved.on_birth_plan_read) == ("astrid@example.no", True, True)

    portal.post(URL, {"email": "astrid@example.no", "on_birth_plan_read": "on"})
    saved.refresh_from_db()
    assert (saved.on_break_glass, saved.on_birth_plan_read) == (False, True)
    assert saved.history.count() == 2

    writes = [e for e in entries(record.person) if e.action == AccessAction.WRITE]
    assert [e.detail for e in writes] == [
        "Email when someone breaks the glass: on; when the birth plan is read: on.",
        "Email when someone breaks the glass: off; when the birth plan is read: on.",
    ]
    assert all("astrid@example.no" not in e.detail for e in writes)


@pytest.mark.parametrize("email", ["not-an-address", "astrid@", "a b@example.no", ""])
def test_a_bad_or_missing_email_is_refused_and_nothing_is_saved(portal, record, email):
    response = portal.post(URL, {"email": email, "on_break_glass": "on"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'aria-invalid="true"' in page
    assert "not an email address" in page or "Write the email address" in page
    assert not NotificationPreference.objects.filter(person=record.person).exists()
    (entry,) = entries(record.person)
    assert (entry.action, entry.status_code) == (AccessAction.WRITE, 400)
    assert "Email choices refused" in entry.detail


def test_the_page_asks_for_sign_in_and_is_refused_to_an_account_with_no_person(client, django_user_model):
    assert client.get(URL).status_code == 302
    stranger = django_user_model.objects.create_user(username="nobody")
    client.force_login(stranger)
    assert client.get(URL).status_code == 403
