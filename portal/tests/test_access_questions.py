"""Asking about an entry of her access log (/portal/pregnancies/<id>/access-log/ask/?entry=<id>), the
question reaching the admins of the entry's Care Location as a queue in the admin, answered there, and the
answer shown to her under her access log; every ask and answer audited. Tried by her, by another pregnant
person, by the admins of locations A and B, a superuser, a midwife and a staff user who administers nothing.
"""

import re

import pytest
from django.test import Client

from conftest import new_nin
from maternity import services
from maternity.actors import Actor
from maternity.errors import Invalid, NotAllowed
from maternity.models import AccessAction, AccessLog, AccessOutcome, UserType
from maternity.rules.identifiers import parse_national_id
from maternity.tests.conftest import make_user
from portal.access_questions import access_question_answer
from portal.models import QUESTION_MAX_LENGTH, AccessQuestion, QuestionStatus

from .conftest import link_patient

pytestmark = pytest.mark.django_db

QUEUE = "/admin/portal/accessquestion/"


def ask_url(record, entry) -> str:
    return f"/portal/pregnancies/{record.pk}/access-log/ask/?entry={entry.pk}"


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def ingrid(location_b):
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
        source_system="maternity web",
    )


@pytest.fixture
def glass(record, ingrid):
    """Ingrid at location B broke glass to open her record."""
    return services.access_log_write(
        action=AccessAction.BREAK_GLASS,
        outcome=AccessOutcome.ALLOWED,
        actor=ingrid,
        record_id=record.pk,
        person_id=record.person_id,
        reason_code="EMERGENCY",
        reason="Night shift",
    )


@pytest.fixture
def admin_a(location_a):
    user = make_user("admin_a", is_staff=True)
    location_a.admins.add(user)
    return user


@pytest.fixture
def admin_b(location_b):
    user = make_user("admin_b", is_staff=True)
    location_b.admins.add(user)
    return user


@pytest.fixture
def superuser(db):
    return make_user("national", is_staff=True, is_superuser=True)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def asked(portal, record, entry, text="I do not know this person. Why did they open my record?"):
    response = portal.post(ask_url(record, entry), {"question": text})
    assert response.status_code == 302, response.content.decode()[:400]
    return AccessQuestion.objects.get()


# Asking


def test_she_sees_the_entry_and_a_box_for_her_question_and_that_is_audited(portal, patient, record, glass):
    response = portal.get(ask_url(record, glass))
    assert response.status_code == 200
    text = text_of(response)
    assert "Ingrid Haugen, midwife" in text and '<span class="tag">Break glass</span>' in text
    assert "Your question goes to the administrators of Munkholmen jordmortjeneste." in text
    assert '<textarea name="question" id="id_question"' in text
    (entry,) = AccessLog.objects.filter(user=patient)
    assert (entry.action, entry.outcome, entry.record_id) == (
        AccessAction.AUDIT_READ,
        AccessOutcome.ALLOWED,
        record.pk,
    )
    assert entry.detail == f"Audit entry #{glass.pk}."


def test_asking_sends_her_question_to_the_entrys_care_location_and_audits_it(
    portal, patient, record, glass, location_b
):
    response = portal.post(ask_url(record, glass), {"question": "  Who is this?  "})
    assert response.status_code == 302
    assert response.url == f"/portal/pregnancies/{record.pk}/access-log/#questions"
    question = AccessQuestion.objects.get()
    assert (question.question, question.status, question.care_location) == (
        "Who is this?",
        QuestionStatus.OPEN,
        location_b,
    )
    assert (question.record_id, question.person_id, question.entry_id, question.asked_by) == (
        record.pk,
        record.person_id,
        glass.pk,
        patient,
    )
    assert (
        "Ingrid Haugen, midwife, in the maternity record app, Munkholmen jordmortjeneste."
        in question.entry_text
    )
    assert "Opened your record without being part of your care team (break glass)." in question.entry_text
    assert question.history.count() == 1 and question.history.get().history_user == patient
    (entry,) = AccessLog.objects.filter(user=patient)  # one entry for the request: the service's
    assert (entry.action, entry.outcome, entry.resource_type, entry.record_id) == (
        AccessAction.WRITE,
        AccessOutcome.ALLOWED,
        "accessQuestion",
        record.pk,
    )
    assert f"Asked about audit entry #{glass.pk} (question #{question.pk}" in entry.detail
    assert "Who is this" not in entry.detail  # what she wrote stays out of the audit trail


@pytest.mark.parametrize("text", ["", "   \n "])
def test_an_empty_question_is_refused_and_changes_nothing(portal, patient, record, glass, text):
    response = portal.post(ask_url(record, glass), {"question": text})
    assert response.status_code == 400
    assert "Write your question." in text_of(response)
    assert 'aria-invalid="true"' in text_of(response)
    assert not AccessQuestion.objects.exists()
    (entry,) = AccessLog.objects.filter(user=patient)
    assert (entry.action, entry.outcome, entry.status_code) == (
        AccessAction.WRITE,
        AccessOutcome.REJECTED,
        400,
    )


def test_a_too_long_question_is_refused_saying_how_long_it_may_be(portal, record, glass):
    response = portal.post(ask_url(record, glass), {"question": "x" * (QUESTION_MAX_LENGTH + 1)})
    assert response.status_code == 400
    assert f"it can be at most {QUESTION_MAX_LENGTH}" in text_of(response)
    assert not AccessQuestion.objects.exists()


def test_an_entry_of_someone_elses_record_is_not_found(portal, patient, record, ingrid, midwife_actor):
    other = services.record_create(national_id=parse_national_id(new_nin()), actor=midwife_actor)
    theirs = services.access_log_write(
        action=AccessAction.READ, outcome=AccessOutcome.ALLOWED, actor=ingrid, record_id=other.pk
    )
    for url in (ask_url(record, theirs), ask_url(other, theirs)):
        assert portal.get(url).status_code == 404
        assert portal.post(url, {"question": "Who?"}).status_code == 404
    assert not AccessQuestion.objects.exists()
    assert set(AccessLog.objects.filter(user=patient).values_list("outcome", flat=True)) == {
        AccessOutcome.DENIED
    }


def test_another_pregnant_person_cannot_ask_about_her_entry(record, glass, midwife_actor):
    someone = link_patient(
        services.record_create(national_id=parse_national_id(new_nin()), actor=midwife_actor).person, "other"
    )
    response = signed_in(someone).post(ask_url(record, glass), {"question": "Who?"})
    assert response.status_code == 404 and not AccessQuestion.objects.exists()


@pytest.mark.parametrize("entry", ["", "x", "99999999999999999999999", "-1"])
def test_a_bad_entry_number_is_not_found(portal, record, entry):
    assert portal.get(f"/portal/pregnancies/{record.pk}/access-log/ask/?entry={entry}").status_code == 404


def test_her_own_portal_use_is_not_an_entry_she_can_ask_about(portal, patient, record):
    portal.get(f"/portal/pregnancies/{record.pk}/")
    own = AccessLog.objects.get(user=patient)
    assert portal.get(ask_url(record, own)).status_code == 404


def test_signed_out_is_sent_to_sign_in(record, glass):
    response = Client().post(ask_url(record, glass), {"question": "Who?"})
    assert response.status_code == 302 and response.url.startswith("/portal/login/")


# Answering


def test_the_locations_admin_answers_and_it_is_versioned_and_audited(portal, record, glass, admin_b):
    question = asked(portal, record, glass)
    answered = access_question_answer(
        question_id=question.pk, answer="Our night midwife, in an emergency.", user=admin_b
    )
    assert (answered.status, answered.answered_by, answered.answered_by_name) == (
        QuestionStatus.ANSWERED,
        admin_b,
        "Ada Admin_B",
    )
    assert answered.history.count() == 2 and answered.history.first().history_user == admin_b
    entry = AccessLog.objects.get(user=admin_b)
    assert (entry.action, entry.outcome, entry.record_id, entry.org_name) == (
        AccessAction.WRITE,
        AccessOutcome.ALLOWED,
        record.pk,
        "Munkholmen jordmortjeneste",
    )
    assert entry.detail == f"Answered question #{question.pk} about audit entry #{glass.pk}."


@pytest.mark.parametrize("who", ["admin_a", "midwife", "plain_staff"])
def test_others_cannot_answer_and_the_refusal_is_audited(request, portal, record, glass, who, ingrid):
    question = asked(portal, record, glass)
    user = {
        "admin_a": lambda: request.getfixturevalue("admin_a"),
        "midwife": lambda: ingrid.user,
        "plain_staff": lambda: make_user("plain_staff", is_staff=True),
    }[who]()
    with pytest.raises(NotAllowed):
        access_question_answer(question_id=question.pk, answer="Hm.", user=user)
    question.refresh_from_db()
    assert (question.status, question.answer) == (QuestionStatus.OPEN, "")
    entry = AccessLog.objects.get(user=user, resource_type="accessQuestion")
    assert (entry.outcome, entry.status_code, entry.record_id) == (AccessOutcome.DENIED, 403, record.pk)


def test_a_superuser_answers_any_question_once(portal, record, glass, superuser, admin_b):
    question = asked(portal, record, glass)
    access_question_answer(question_id=question.pk, answer="Checked: an emergency.", user=superuser)
    with pytest.raises(NotAllowed):
        access_question_answer(question_id=question.pk, answer="Again", user=admin_b)
    question.refresh_from_db()
    assert question.answer == "Checked: an emergency."
    with pytest.raises(Invalid):
        access_question_answer(question_id=asked_again(portal, record, glass).pk, answer="  ", user=superuser)


def asked_again(portal, record, glass):
    portal.post(ask_url(record, glass), {"question": "And again?"})
    return AccessQuestion.objects.get(question="And again?")


def test_she_reads_the_answer_under_her_access_log(portal, record, glass, admin_b):
    question = asked(portal, record, glass)
    page = text_of(portal.get(f"/portal/pregnancies/{record.pk}/access-log/"))
    assert "Not answered yet." in page
    access_question_answer(question_id=question.pk, answer="Our night midwife.", user=admin_b)
    page = text_of(portal.get(f"/portal/pregnancies/{record.pk}/access-log/"))
    questions = page.split('id="questions-h">Your questions</h2>')[1]
    assert "I do not know this person. Why did they open my record?" in questions
    assert "<strong>Answer from Ada Admin_B," in questions and "Our night midwife." in questions
    assert "Answered your question about who has opened your record" in page  # the answer is in her log


# The admin's queue


def test_each_locations_admin_sees_only_questions_to_their_location(
    portal, record, glass, ingrid, midwife_actor, admin_a, admin_b, superuser
):
    to_b = asked(portal, record, glass)
    read_at_a = services.access_log_write(
        action=AccessAction.READ, outcome=AccessOutcome.ALLOWED, actor=midwife_actor, record_id=record.pk
    )
    portal.post(ask_url(record, read_at_a), {"question": "And St Olav?"})
    to_a = AccessQuestion.objects.get(question="And St Olav?")

    def listed(user):
        response = signed_in(user).get(QUEUE)
        assert response.status_code == 200
        return {question.pk for question in response.context["cl"].result_list}

    assert listed(admin_a) == {to_a.pk}
    assert listed(admin_b) == {to_b.pk}
    assert listed(superuser) == {to_a.pk, to_b.pk}
    assert signed_in(admin_a).get(f"{QUEUE}{to_b.pk}/change/").status_code == 302  # "does not exist"
    assert AccessLog.objects.filter(user=admin_a, action=AccessAction.AUDIT_READ).exists()


def test_people_who_are_not_admins_do_not_get_the_queue(portal, record, glass, ingrid):
    asked(portal, record, glass)
    assert signed_in(make_user("plain_staff", is_staff=True)).get(QUEUE).status_code == 403
    response = signed_in(ingrid.user).get(QUEUE)
    assert response.status_code == 302 and response.url.startswith("/admin/login/")


def test_the_admin_answers_on_the_answer_page_and_the_question_stays_read_only(
    portal, record, glass, admin_b
):
    question = asked(portal, record, glass)
    admin = signed_in(admin_b)
    page = admin.get(f"{QUEUE}{question.pk}/change/")
    assert page.status_code == 200
    assert list(page.context["adminform"].form.fields) == []  # read-only
    assert f'href="{QUEUE}{question.pk}/answer/"' in page.content.decode()
    answer_page = admin.get(f"{QUEUE}{question.pk}/answer/")
    assert answer_page.status_code == 200
    assert "I do not know this person. Why did they open my record?" in answer_page.content.decode()
    assert list(answer_page.context["form"].fields) == ["answer"]
    response = admin.post(
        f"{QUEUE}{question.pk}/answer/", {"answer": "Our night midwife.", "question": "changed?"}
    )
    assert response.status_code == 302 and response.url == QUEUE
    question.refresh_from_db()
    assert (question.status, question.answer, question.answered_by) == (
        QuestionStatus.ANSWERED,
        "Our night midwife.",
        admin_b,
    )
    assert question.question == "I do not know this person. Why did they open my record?"
    writes = AccessLog.objects.filter(user=admin_b, action=AccessAction.WRITE)
    assert [(entry.outcome, entry.record_id) for entry in writes] == [(AccessOutcome.ALLOWED, record.pk)]
    again = admin.post(f"{QUEUE}{question.pk}/answer/", {"answer": "Changed my mind"})
    assert "This question has been answered already." in again.content.decode()
    question.refresh_from_db()
    assert question.answer == "Our night midwife."


def test_an_empty_answer_in_the_admin_is_refused_and_changes_nothing(portal, record, glass, admin_b):
    question = asked(portal, record, glass)
    response = signed_in(admin_b).post(f"{QUEUE}{question.pk}/answer/", {"answer": ""})
    assert response.status_code == 200 and response.context["form"].errors
    question.refresh_from_db()
    assert question.status == QuestionStatus.OPEN
    entry = AccessLog.objects.get(user=admin_b, action=AccessAction.WRITE)
    assert (entry.outcome, entry.status_code) == (AccessOutcome.REJECTED, 400)


def test_another_locations_admin_cannot_open_or_post_an_answer(portal, record, glass, admin_a):
    question = asked(portal, record, glass)
    other = signed_in(admin_a)
    assert other.get(f"{QUEUE}{question.pk}/answer/").status_code == 404
    assert other.post(f"{QUEUE}{question.pk}/answer/", {"answer": "Not mine"}).status_code == 404
    question.refresh_from_db()
    assert (question.status, question.answer) == (QuestionStatus.OPEN, "")


@pytest.mark.parametrize("object_id", ["None", "x", "99999999999999999999999", "123456"])
def test_a_question_id_that_is_no_question_is_not_found(superuser, object_id):
    admin = signed_in(superuser)
    for page in ("answer", "history"):
        assert admin.get(f"{QUEUE}{object_id}/{page}/").status_code == 404
    assert admin.get(f"{QUEUE}{object_id}/change/").status_code in (302, 404)
