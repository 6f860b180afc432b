"""Who has opened her record (/portal/pregnancies/<id>/access-log/): one line per person (in the app, or
through a hospital's own system with the person behind it), Care Location and day, counting the entries,
opening to each entry's time and what was done, in plain words; break glass on top with its coded reason
in words (never the free text); her own portal use left out; newest first, a page of lines at a time; the
same queries however long the trail."""

import re
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import new_nin
from maternity import services
from maternity.actors import Actor
from maternity.models import AccessAction, AccessLog, AccessOutcome, Pregnancy, StakeholderReason, UserType
from maternity.rules.identifiers import parse_national_id
from portal.access_questions import access_question_ask
from portal.views.access_log import PAGE_SIZE

from .conftest import link_patient

pytestmark = pytest.mark.django_db


def log_url(record) -> str:
    return f"/portal/pregnancies/{record.pk}/access-log/"


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def entries(response) -> list[str]:
    """The lines of the log (each with its entries)."""
    return re.findall(r'<li class="card access[^"]*">(.*?)</details> </li>', text_of(response))


def booked_long_ago(record):
    """The record as if booked in the summer, so entries on chosen days of the autumn are about it."""
    Pregnancy.objects.filter(pk=record.pk).update(created_at=timezone.make_aware(datetime(2026, 6, 1)))
    record.refresh_from_db()
    return record


def log_at(record, actor, at, action=AccessAction.READ, **fields) -> AccessLog:
    """An entry at a chosen time (the service stamps now): the same columns the service writes."""
    location = actor.care_location
    return AccessLog.objects.create(
        at=at,
        action=action,
        outcome=fields.pop("outcome", AccessOutcome.ALLOWED),
        record_id=record.pk,
        person_id=record.person_id,
        user_type=actor.user_type,
        user=actor.user,
        username=actor.user.get_username() if actor.user else "",
        care_location=location,
        org_nr=location.org_nr if location else "",
        org_name=location.name if location else "",
        client_id=actor.client_id,
        acting_user_name=actor.name,
        source_system=actor.source_system,
        **fields,
    )


@pytest.fixture
def ingrid(location_b):
    """A midwife signed in to the maternity app at location B."""
    user = services.practitioner_create(
        username="ingrid",
        display_name="Ingrid Haugen",
        care_locations=[location_b],
        hpr_nr="9213457",
        role_code="JO",
    )
    return Actor(
        user_type=UserType.HEALTH_CARE_PROFESSIONAL,
        user=user,
        care_location=location_b,
        name="Ingrid Haugen",
        hpr_nr="9213457",
        hpr_role="JO",
        source_system="maternity web",
    )


@pytest.fixture
def epj(client_a):
    """The hospital's own record system at location A, with a midwife behind the request."""
    return replace(
        client_a.client.actor(), name="Kari Jordmor", hpr_nr="9144889", source_system="DIPS Arena 9.1"
    )


def log(record, actor, action=AccessAction.READ, **fields):
    fields.setdefault("outcome", AccessOutcome.ALLOWED)
    return services.access_log_write(
        action=action, actor=actor, record_id=record.pk, person_id=record.person_id, **fields
    )


def test_each_access_says_when_who_where_and_what_in_plain_words(portal, record, ingrid, epj):
    log(record, epj, AccessAction.WRITE, resource_type="antenatalAppointments")
    log(record, ingrid)
    response = portal.get(log_url(record))
    assert response.status_code == 200
    newest, older = entries(response)
    today = timezone.localdate().strftime("%-d %b %Y")
    assert (
        f"<strong>Ingrid Haugen, midwife, at Munkholmen jordmortjeneste, opened your record once on {today}"
        '</strong> <span class="muted">(in the maternity record app)</span>'
    ) in newest
    assert '<span class="what">Opened your record</span>' in newest
    assert (
        "<strong>Kari Jordmor, at St Olavs hospital, fødeavdelingen, "
        f"changed your record once on {today}</strong>"
        ' <span class="muted">(through their own patient record system (DIPS Arena 9.1))'
    ) in older
    assert '<span class="what">Changed your record: appointments</span>' in older
    assert re.search(r'<time datetime="[^"]+">\d\d:\d\d</time>', newest)


def test_break_glass_is_on_top_with_its_coded_reason_in_words_and_never_the_free_text(
    portal, record, ingrid, epj
):
    log(record, ingrid, AccessAction.BREAK_GLASS, reason_code="LABOUR", reason="Came to A&E, unconscious")
    log(record, ingrid)  # her reads after breaking glass: their own line
    log(record, epj, AccessAction.FIND, reason="Booking visit at our clinic")
    response = portal.get(log_url(record))
    text = text_of(response)
    glass, search, reads = entries(response)
    assert text.count('class="card access break-glass"') == 1
    assert '<span class="tag">Break glass</span>' in glass
    assert (
        "Ingrid Haugen, midwife, at Munkholmen jordmortjeneste, broke glass to open your record once" in glass
    )
    assert (
        'Reason they chose:</span> <strong class="reason-code">'
        "You were in labour or giving birth at their Care Location</strong>"
    ) in glass
    assert "Opened your record without being part of your care team (break glass)" in glass
    assert "LABOUR" not in glass  # the words, not the code
    assert "unconscious" not in text and "Booking visit" not in text  # no free text
    assert "searched for your record once" in search and 'class="tag"' not in search
    assert "opened your record once" in reads


def test_break_glass_without_a_code_says_none_was_chosen(portal, record, ingrid):
    log(record, ingrid, AccessAction.BREAK_GLASS, reason="Night shift")
    (glass,) = entries(portal.get(log_url(record)))
    assert "No reason was chosen from the list (ask about this entry to hear why)" in glass


def test_one_line_per_person_place_and_day_counting_its_entries_and_opening_to_each(
    portal, record, ingrid, epj
):
    booked_long_ago(record)
    day = timezone.make_aware(datetime(2026, 12, 4, 9, 0))
    for minutes in (0, 15, 40):
        log_at(record, ingrid, day + timedelta(minutes=minutes))
    log_at(
        record, ingrid, day + timedelta(minutes=50), AccessAction.WRITE, resource_type="antenatalAppointments"
    )
    log_at(record, ingrid, day - timedelta(days=1))  # another day
    log_at(record, epj, day + timedelta(minutes=5))  # another person and place
    log_at(record, ingrid, day - timedelta(days=2), AccessAction.BREAK_GLASS, reason_code="EMERGENCY")
    glass, ingrid_4th, epj_4th, ingrid_3rd = entries(portal.get(log_url(record)))
    assert "broke glass to open your record once on 2 Dec 2026" in glass
    assert "Emergency care or an acute admission" in glass
    assert (
        "Ingrid Haugen, midwife, at Munkholmen jordmortjeneste, "
        "opened or changed your record 4 times on 4 Dec 2026" in ingrid_4th
    )
    assert "<summary>See all 4 entries</summary>" in ingrid_4th
    times = re.findall(r'<time datetime="[^"]+">(\d\d:\d\d)</time>', ingrid_4th)
    assert times == ["09:50", "09:40", "09:15", "09:00"]
    assert "Changed your record: appointments" in ingrid_4th
    assert (
        "Kari Jordmor, at St Olavs hospital, fødeavdelingen, opened your record once on 4 Dec 2026" in epj_4th
    )
    assert (
        "opened your record once on 3 Dec 2026" in ingrid_3rd
        and "<summary>See the entry</summary>" in ingrid_3rd
    )
    assert ingrid_4th.count('class="ask"') == 4


def test_refused_attempts_say_nothing_was_shown(portal, record, midwife_actor):
    other_patient = link_patient(
        services.record_create(national_id=parse_national_id(new_nin()), actor=midwife_actor).person, "other"
    )
    intruder = Client()
    intruder.force_login(other_patient)
    assert intruder.get(f"/portal/pregnancies/{record.pk}/").status_code == 404
    (attempt,) = entries(portal.get(log_url(record)))
    assert "Another person signed in to this portal" in attempt
    assert "They were not allowed to: nothing was shown to them or changed." in attempt


def test_her_own_portal_use_is_left_out(portal, record, ingrid):
    portal.get("/portal/")
    portal.get(f"/portal/pregnancies/{record.pk}/")
    log(record, ingrid)
    response = portal.get(log_url(record))
    assert len(entries(response)) == 1
    assert "Your own visits to this portal are not listed." in text_of(response)
    assert AccessLog.objects.filter(user_type=UserType.PATIENT).count() == 3  # all audited all the same


def test_lookups_of_her_by_national_id_are_listed_but_nothing_about_other_people(
    portal, record, epj, midwife_actor
):
    services.access_log_write(
        action=AccessAction.PATIENT_LOOKUP,
        outcome=AccessOutcome.ALLOWED,
        actor=epj,
        person_id=record.person_id,
    )
    other = services.record_create(national_id=parse_national_id(new_nin()), actor=midwife_actor)
    log(other, epj)
    services.access_log_write(
        action=AccessAction.PATIENT_LOOKUP,
        outcome=AccessOutcome.ALLOWED,
        actor=epj,
        person_id=other.person_id,
    )
    (lookup,) = entries(portal.get(log_url(record)))
    assert "Checked whether you have a maternity record" in lookup


def test_a_lookup_of_her_before_this_pregnancy_could_have_begun_is_not_on_its_log(portal, record, epj):
    """A look-up that named no record belongs to every pregnancy it could have been for: one made 290 days
    before this pregnancy was booked could have been for it; one 310 days before could not (nobody is booked
    later than 42+6 weeks)."""
    for days, reason in ((310, "before it began"), (290, "early in this pregnancy")):
        AccessLog.objects.create(
            at=record.created_at - timedelta(days=days),
            action=AccessAction.PATIENT_LOOKUP,
            outcome=AccessOutcome.ALLOWED,
            person_id=record.person_id,
            user_type=epj.user_type,
            org_name="St Olavs hospital",
            reason=reason,
        )
    (lookup,) = entries(portal.get(log_url(record)))
    early = timezone.localdate(record.created_at - timedelta(days=290)).strftime("%-d %b %Y")
    assert f"searched for your record once on {early}" in lookup


def test_newest_first_a_page_of_lines_at_a_time(portal, record, ingrid):
    booked_long_ago(record)
    start = timezone.make_aware(datetime(2026, 9, 1, 12, 0))
    for number in range(PAGE_SIZE * 2 + 5):
        log_at(record, ingrid, start + timedelta(days=number), AccessAction.FIND)
        log_at(record, ingrid, start + timedelta(days=number, minutes=1))
    first = portal.get(log_url(record))
    shown = entries(first)
    assert len(shown) == PAGE_SIZE
    assert "opened or searched for your record 2 times on 25 Oct 2026" in shown[0]
    assert "on 1 Oct 2026" in shown[-1]
    assert 'href="?page=2"' in first.content.decode() and "Page 1 of 3" in text_of(first)
    last = entries(portal.get(log_url(record) + "?page=3"))
    assert len(last) == 5 and "on 1 Sep 2026" in last[-1]


def test_who_can_open_the_record_and_why(portal, record, ingrid, location_b):
    services.stakeholder_grant(record=record, care_location=location_b, reason=StakeholderReason.ACTIVE_CARE)
    services.stakeholder_grant_user(
        record=record,
        user=ingrid.user,
        reason=StakeholderReason.BREAK_GLASS,
        detail="Emergency care or acute admission (EMERGENCY): Emergency at night",
    )
    text = text_of(portal.get(log_url(record)))
    grants = text.split("Who can open your record</h2>")[1]
    assert "<strong>St Olavs hospital, fødeavdelingen</strong>: created your record, since" in grants
    assert "<strong>Munkholmen jordmortjeneste</strong>: has looked after you" in grants
    assert '<li class="break-glass"><strong>Ingrid Haugen, midwife</strong>: opened your record' in grants
    assert "Reason they chose: Emergency care or an acute admission" in grants  # the code, in her words
    assert "Emergency at night" not in text  # never the text they wrote (Normen, as Helsenorge)


def test_an_empty_trail_says_so(portal, record):
    assert "Nobody else has opened your record yet." in text_of(portal.get(log_url(record)))


def test_reading_it_is_audited(portal, patient, record):
    portal.get(log_url(record))
    entry = AccessLog.objects.get()
    assert (entry.action, entry.outcome, entry.user) == (
        AccessAction.AUDIT_READ,
        AccessOutcome.ALLOWED,
        patient,
    )
    assert (entry.record_id, entry.person_id) == (record.pk, record.person_id)


def test_another_persons_access_log_is_not_found(portal, record, midwife_actor, ingrid):
    other = services.record_create(national_id=parse_national_id(new_nin()), actor=midwife_actor)
    log(other, ingrid, AccessAction.BREAK_GLASS, reason="Secret of someone else")
    response = portal.get(log_url(other))
    assert response.status_code == 404
    assert "Secret of someone else" not in response.content.decode()
    denied = AccessLog.objects.get(action=AccessAction.AUDIT_READ)
    assert (denied.outcome, denied.record_id) == (AccessOutcome.DENIED, other.pk)


def test_signed_in_but_not_linked_is_403(record):
    client = Client()
    client.force_login(get_user_model().objects.create_user("stranger"))
    assert client.get(log_url(record)).status_code == 403


def test_signed_out_is_sent_to_the_portal_sign_in(record):
    response = Client().get(log_url(record))
    assert response.status_code == 302
    assert response.url.startswith("/portal/login/")


def test_there_are_no_write_endpoints(portal, record):
    assert portal.post(log_url(record)).status_code == 405


def test_queries_do_not_grow_with_the_trail(portal, record, ingrid, epj, midwife_actor, location_b):
    log(record, ingrid)
    long = services.record_create(national_id=parse_national_id(new_nin()), actor=midwife_actor)
    long_client = Client()
    long_client.force_login(link_patient(long.person, username="long"))
    services.stakeholder_grant(record=long, care_location=location_b, reason=StakeholderReason.ACTIVE_CARE)
    services.stakeholder_grant_user(record=long, user=ingrid.user, reason=StakeholderReason.BREAK_GLASS)
    for number in range(40):
        log_at(
            long,
            ingrid if number % 2 else epj,
            timezone.now() - timedelta(days=number % 9, minutes=number),
            AccessAction.BREAK_GLASS if number == 7 else AccessAction.READ,
            reason_code="EMERGENCY" if number == 7 else "",
        )
    her = Actor(user_type=UserType.PATIENT, user=long.person.user)
    for entry in AccessLog.objects.filter(record_id=long.pk)[:5]:
        access_question_ask(actor=her, record_id=long.pk, entry_id=entry.pk, question="Who was this?")
    short_her = Actor(user_type=UserType.PATIENT, user=record.person.user)
    first = AccessLog.objects.filter(record_id=record.pk).exclude(user_type=UserType.PATIENT).first()
    access_question_ask(actor=short_her, record_id=record.pk, entry_id=first.pk, question="Who was this?")

    def count(client, record):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(log_url(record)).status_code == 200
        return len(queries)

    count(portal, record), count(long_client, long)  # warm up (content types, each session's renewal)
    short, full = count(portal, record), count(long_client, long)
    assert short == full <= 13, (short, full)  # one for the questions' entries, worded in her language


def test_her_question_says_what_it_is_about_in_her_language_while_the_location_reads_english(
    portal, record, ingrid
):
    entry = log(record, ingrid)
    her = Actor(user_type=UserType.PATIENT, user=record.person.user)
    question = access_question_ask(
        actor=her, record_id=record.pk, entry_id=entry.pk, question="Hvem var dette?"
    )
    assert "Opened your record" in question.entry_text  # kept for the Care Location that answers

    page = portal.get(log_url(record), HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    about = page.split('<p class="about">')[1].split("</p>")[0]
    assert "Åpnet journalen din" in about and "Opened your record" not in about
    english = portal.get(log_url(record), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Opened your record" in english.split('<p class="about">')[1].split("</p>")[0]
