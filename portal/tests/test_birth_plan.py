"""Her birth plan in the portal: she writes and changes it (userType PATIENT, versioned), a save from
another tab or phone meanwhile becomes a topic-by-topic choice with nothing lost, too-long text is a
clear error, and she sees whether her midwife has read it. Only her own, active records."""

import html
import json
import re
from datetime import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import new_nin
from maternity import services
from maternity.actors import Actor
from maternity.models import AccessLog, BirthPlan, RecordStatus, UserType
from maternity.rules.identifiers import parse_national_id

from .conftest import link_patient

pytestmark = pytest.mark.django_db

WHERE = "Where would you like to give birth?"


@pytest.fixture
def her(patient) -> Actor:
    """Her, as the services see her when she writes from another tab or phone."""
    return Actor(
        user_type=UserType.PATIENT, user=patient, name="Astrid Berg", source_system="maternity portal"
    )


@pytest.fixture
def plan(record, her) -> BirthPlan:
    """Version 1: where, and pain relief."""
    return services.birth_plan_save(
        record_id=record.pk,
        version=None,
        data={"place_of_birth": "St Olavs hospital", "pain_relief": "Warm water, then gas and air"},
        actor=her,
    )


def url(record) -> str:
    return f"/portal/pregnancies/{record.pk}/birth-plan/"


def hidden(body: str, name: str) -> str:
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', body)
    assert match, f"no hidden {name}"
    return html.unescape(match.group(1))


def carried(body: str) -> dict:
    """The conflict page's hidden fields, as her browser posts them back."""
    return {name: hidden(body, name) for name in ("version", "base_version", "mine")}


def entries(record, action: str) -> list[AccessLog]:
    return list(AccessLog.objects.filter(record_id=record.pk, action=action).order_by("id"))


def stored(record) -> BirthPlan:
    return BirthPlan.objects.get(record=record)


def moment(at: datetime) -> str:
    local = timezone.localtime(at)
    return f"{local.day} {local:%b %Y} at {local:%H:%M}"


# --- writing it -------------------------------------------------------------------------------------------


def test_an_empty_plan_is_a_form_with_a_heading_and_hint_per_topic(portal, record):
    response = portal.get(url(record))

    assert response.status_code == 200
    page = response.content.decode()
    for words in ("Where and with whom", "During labour", "After the birth", "Talking with you"):
        assert words in page
    assert f'<label for="id_place_of_birth">{WHERE}</label>' in page
    assert 'aria-describedby="id_place_of_birth_helptext"' in page
    assert "maxlength" not in page  # too-long text is an error she is told about, never cut silently
    assert hidden(page, "version") == ""
    assert "Your midwife can read your plan once you have saved it." in page
    (entry,) = entries(record, "READ")
    assert (entry.outcome, entry.user_type, entry.resource_type) == ("ALLOWED", "PATIENT", "birthPlan")
    assert entry.person_id == record.person_id


def test_she_writes_her_plan_as_herself(portal, record, patient):
    response = portal.post(
        url(record),
        {"version": "", "place_of_birth": "St Olavs hospital", "feeding": "Breastfeeding\r\nwith help"},
    )

    assert response.status_code == 302
    assert response["Location"] == url(record)
    plan = stored(record)
    assert (plan.version, plan.place_of_birth, plan.feeding) == (
        1,
        "St Olavs hospital",
        "Breastfeeding\nwith help",
    )
    assert plan.pain_relief is None  # left empty: not recorded, not ""
    assert (plan.updated_by_user_type, plan.updated_by_user) == (UserType.PATIENT, patient)
    (entry,) = entries(record, "WRITE")
    assert (entry.outcome, entry.status_code) == ("ALLOWED", 302)
    assert entry.detail == f"birthPlan {plan.pk} saved as version 1"
    page = portal.get(url(record)).content.decode()
    assert "Your birth plan is saved." in page
    assert "Not read yet." in page
    assert hidden(page, "version") == "1"


def test_she_changes_her_plan_at_the_version_she_read(portal, record, plan):
    page = portal.get(url(record)).content.decode()
    assert hidden(page, "version") == "1"
    assert "Warm water, then gas and air" in page

    response = portal.post(
        url(record), {"version": "1", "place_of_birth": "St Olavs hospital", "pain_relief": "An epidural"}
    )

    assert response.status_code == 302
    plan = stored(record)
    assert (plan.version, plan.pain_relief) == (2, "An epidural")


def test_saving_without_a_change_makes_no_new_version(portal, record, plan, midwife_actor):
    services.birth_plan_acknowledge(record_id=record.pk, version=1, actor=midwife_actor)
    response = portal.post(
        url(record),
        {
            "version": "1",
            "place_of_birth": "St Olavs hospital",
            "pain_relief": "Warm water, then gas and air",
        },
        follow=True,
    )
    assert "Nothing had changed, so your birth plan stays as it was." in response.content.decode()
    assert stored(record).version == 1
    assert stored(record).acknowledged_at is not None


def test_too_long_text_is_a_clear_error_and_nothing_is_saved(portal, record, plan):
    too_long = "I would like " + "x" * 1000

    response = portal.post(
        url(record), {"version": "1", "place_of_birth": "At home", "pain_relief": too_long}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Your plan is not saved yet" in page
    assert "This is too long: it has 1013 characters and can have at most 1000. Please shorten it." in page
    assert 'href="#id_pain_relief"' in page  # the summary links to the answer
    assert 'aria-invalid="true"' in page
    assert too_long in page and "At home" in page  # nothing she typed is lost
    assert hidden(page, "version") == "1"
    plan = stored(record)
    assert (plan.version, plan.place_of_birth) == (1, "St Olavs hospital")
    (entry,) = entries(record, "WRITE")
    assert (entry.outcome, entry.status_code, entry.detail) == ("REJECTED", 400, "invalid: pain_relief")


def test_a_control_character_in_her_answer_is_refused_and_her_plan_stays_as_saved(portal, record, plan):
    response = portal.post(url(record), {"version": "1", "pain_relief": "An epidural\x1b[8m"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "U+001B (ESC)" in page and "&#x27;pain_relief&#x27;" in page
    assert "what you typed is still in the form" in page
    assert stored(record).version == 1


def test_her_answer_over_several_lines_is_kept_as_she_wrote_it(portal, record, plan):
    answer = "Warm water first.\r\nThen gas and air."

    response = portal.post(url(record), {"version": "1", "place_of_birth": "At home", "pain_relief": answer})

    assert response.status_code == 302
    assert stored(record).pain_relief == "Warm water first.\nThen gas and air."  # a browser sends CR LF


def test_a_mangled_version_saves_nothing_and_keeps_her_text(portal, record, plan):
    response = portal.post(url(record), {"version": "one", "pain_relief": "An epidural"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Something went wrong with the page." in page
    assert "An epidural" in page
    assert stored(record).version == 1


# --- saved somewhere else meanwhile -------------------------------------------------------------------------


def saved_elsewhere(record, her, version: int, **fields) -> BirthPlan:
    """Her other phone or tab saves a new version while this page is open."""
    data = {"place_of_birth": "St Olavs hospital", "pain_relief": "Warm water, then gas and air", **fields}
    return services.birth_plan_save(record_id=record.pk, version=version, data=data, actor=her)


def test_a_save_elsewhere_meanwhile_shows_what_changed_and_what_she_entered(portal, record, plan, her):
    form = portal.get(url(record)).content.decode()
    saved_elsewhere(record, her, 1, place_of_birth="At home, with a midwife")

    response = portal.post(
        url(record),
        {
            "version": hidden(form, "version"),
            "place_of_birth": "St Olavs hospital",
            "pain_relief": "An epidural as early as possible",
        },
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert "Your birth plan was saved somewhere else while you were writing" in page
    assert "What you wrote here is not saved yet, and nothing is lost." in page
    assert "At home, with a midwife" in page  # what changed since she started
    assert "An epidural as early as possible" in page  # what she entered
    assert "Changed in the saved version." in page and "Changed by you here." in page
    assert "Photos and video" not in page  # only the topics that differ
    assert (hidden(page, "version"), hidden(page, "base_version")) == ("2", "1")
    assert stored(record).version == 2  # nothing saved yet
    (entry,) = entries(record, "WRITE")
    assert (entry.outcome, entry.status_code) == ("REJECTED", 409)
    assert entry.detail == "version conflict on birthPlan: started from version 1, current is 2"

    # each topic from the side that changed it, saved against the new version
    response = portal.post(url(record), {**carried(page), "resolve": "choose"})

    assert response.status_code == 302
    plan = stored(record)
    assert (plan.version, plan.place_of_birth, plan.pain_relief) == (
        3,
        "At home, with a midwife",
        "An epidural as early as possible",
    )


def test_a_topic_changed_in_both_places_needs_her_choice(portal, record, plan, her):
    saved_elsewhere(record, her, 1, pain_relief="Only gas and air")
    conflict = portal.post(url(record), {"version": "1", "pain_relief": "An epidural"}).content.decode()
    assert "Changed in both places: choose one." in conflict

    response = portal.post(url(record), {**carried(conflict), "resolve": "choose"})

    assert response.status_code == 400
    assert "Choose which to keep for: Pain relief." in response.content.decode()
    assert stored(record).version == 2

    response = portal.post(
        url(record), {**carried(conflict), "resolve": "choose", "pick-pain_relief": "mine"}
    )
    assert response.status_code == 302
    assert (stored(record).version, stored(record).pain_relief) == (3, "An epidural")


def test_keeping_everything_she_wrote(portal, record, plan, her):
    saved_elsewhere(record, her, 1, photos="No photos please")
    conflict = portal.post(url(record), {"version": "1", "pain_relief": "An epidural"}).content.decode()
    portal.post(url(record), {**carried(conflict), "resolve": "mine"})
    plan = stored(record)
    assert (plan.version, plan.pain_relief, plan.photos, plan.place_of_birth) == (
        3,
        "An epidural",
        None,
        None,
    )


def test_keeping_the_saved_version_saves_nothing(portal, record, plan, her):
    saved_elsewhere(record, her, 1, photos="No photos please")
    conflict = portal.post(url(record), {"version": "1", "pain_relief": "An epidural"}).content.decode()

    response = portal.post(url(record), {**carried(conflict), "resolve": "theirs"}, follow=True)

    assert "You kept the saved version. What you entered here was not saved." in response.content.decode()
    assert (stored(record).version, stored(record).photos) == (2, "No photos please")


def test_it_conflicts_again_when_the_plan_moved_again(portal, record, plan, her):
    saved_elsewhere(record, her, 1, photos="No photos please")
    conflict = portal.post(url(record), {"version": "1", "pain_relief": "An epidural"}).content.decode()
    saved_elsewhere(record, her, 2, photos="Photos after the birth")

    response = portal.post(url(record), {**carried(conflict), "resolve": "mine"})

    assert response.status_code == 409
    page = response.content.decode()
    assert "Photos after the birth" in page and "An epidural" in page
    # her answer to the first conflict was made against version 2: that is where she started now
    assert (hidden(page, "version"), hidden(page, "base_version")) == ("3", "2")
    assert stored(record).version == 3


def test_two_first_saves_become_a_choice(portal, record, her):
    portal.get(url(record))
    services.birth_plan_save(record_id=record.pk, version=None, data={"feeding": "Formula"}, actor=her)

    response = portal.post(url(record), {"version": "", "feeding": "Breastfeeding"})

    assert response.status_code == 409
    page = response.content.decode()
    assert "Formula" in page and "Breastfeeding" in page
    assert (hidden(page, "version"), hidden(page, "base_version")) == ("1", "")
    response = portal.post(url(record), {**carried(page), "resolve": "choose", "pick-feeding": "mine"})
    assert (stored(record).version, stored(record).feeding) == (2, "Breastfeeding")


def test_a_tampered_conflict_form_saves_nothing(portal, record, plan):
    response = portal.post(
        url(record), {"version": "1", "base_version": "", "mine": "{oops", "resolve": "mine"}
    )
    assert response.status_code == 400
    assert stored(record).version == 1
    response = portal.post(
        url(record),
        {
            "version": "1",
            "base_version": "",
            "mine": json.dumps({"pain_relief": "x" * 1001}),
            "resolve": "mine",
        },
    )
    assert response.status_code == 400
    assert "This is too long" in response.content.decode()
    assert stored(record).version == 1


# --- read by her midwife -----------------------------------------------------------------------------------


def test_she_sees_who_read_it_and_when(portal, record, plan, midwife_actor):
    read = services.birth_plan_acknowledge(record_id=record.pk, version=1, actor=midwife_actor)

    page = portal.get(url(record)).content.decode()

    assert (
        f"Read by Kari Jordmor, St Olavs hospital, fødeavdelingen, on {moment(read.acknowledged_at)}." in page
    )


def test_her_change_clears_the_read_mark_and_she_is_told(portal, record, plan, midwife_actor):
    read = services.birth_plan_acknowledge(record_id=record.pk, version=1, actor=midwife_actor)

    portal.post(url(record), {"version": "1", "place_of_birth": "At home"})

    assert (stored(record).version, stored(record).acknowledged_at) == (2, None)
    page = portal.get(url(record)).content.decode()
    assert "Not read since your last change." in page
    assert (
        f"Kari Jordmor, St Olavs hospital, fødeavdelingen read an earlier version on "
        f"{moment(read.acknowledged_at)}." in page
    )


# --- whose, and when it can change -------------------------------------------------------------------------


def test_another_persons_record_is_not_found(portal, record, midwife_actor):
    other = services.record_create(national_id=parse_national_id(new_nin()), actor=midwife_actor)
    link_patient(other.person, username="sigrid", name="Sigrid Dahl")

    assert portal.get(url(other)).status_code == 404
    assert portal.post(url(other), {"version": "", "place_of_birth": "Here"}).status_code == 404
    assert not BirthPlan.objects.filter(record=other).exists()
    entry = entries(other, "WRITE")[0]
    assert (entry.outcome, entry.status_code) == ("DENIED", 404)


def test_a_record_that_does_not_exist_is_not_found(portal, record):
    assert (
        portal.get("/portal/pregnancies/00000000-0000-0000-0000-000000000000/birth-plan/").status_code == 404
    )


def test_a_professional_cannot_write_it_through_the_portal(record, location_a):
    midwife = services.practitioner_create(
        username="kari", display_name="Kari Jordmor", care_locations=[location_a]
    )
    client = Client()
    client.force_login(midwife)

    response = client.post(url(record), {"version": "", "place_of_birth": "Where I say"})

    assert response.status_code == 403
    assert not BirthPlan.objects.filter(record=record).exists()


def test_signed_out_she_is_sent_to_sign_in(record):
    response = Client().get(url(record))
    assert response.status_code == 302
    assert "/portal/login/" in response["Location"]


def test_after_the_birth_the_plan_is_read_only_with_the_reason(portal, record, plan, midwife_actor):
    services.record_status_update(
        record_id=record.pk,
        version=record.version,
        status=RecordStatus.DELIVERED,
        actor=midwife_actor,
        delivery_date=timezone.now(),
        live_birth=True,
    )

    page = portal.get(url(record)).content.decode()
    assert (
        "Your baby has been born, so this birth plan is kept as it was and can no longer be changed." in page
    )
    assert "Warm water, then gas and air" in page
    assert "<textarea" not in page

    response = portal.post(url(record), {"version": "1", "pain_relief": "Changed afterwards"})
    assert response.status_code == 403
    assert stored(record).pain_relief == "Warm water, then gas and air"
    (entry,) = entries(record, "WRITE")
    assert (entry.outcome, entry.status_code) == ("DENIED", 403)


def test_a_record_entered_in_error_is_not_found(portal, record, midwife_actor):
    services.record_status_update(
        record_id=record.pk, version=record.version, status=RecordStatus.ENTERED_IN_ERROR, actor=midwife_actor
    )
    assert portal.get(url(record)).status_code == 404


def test_a_stranger_with_a_portal_account_but_no_record_is_told_so(record):
    stranger = get_user_model().objects.create_user(username="nobody")
    client = Client()
    client.force_login(stranger)
    assert client.get(url(record)).status_code == 403


def test_the_page_costs_the_same_queries_for_a_new_plan_and_one_with_a_long_history(
    portal, record, plan, her, midwife_actor
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert portal.get(url(record)).status_code == 200
        return len(captured)

    few = queries()
    for n in range(12):  # she changes it often; her midwife reads each version
        current = BirthPlan.objects.get(record=record)
        services.birth_plan_acknowledge(record_id=record.pk, version=current.version, actor=midwife_actor)
        services.birth_plan_save(
            record_id=record.pk,
            version=current.version,
            data={"feeding": f"Breastfeeding, try {n}"},
            actor=her,
        )
    assert queries() == few
