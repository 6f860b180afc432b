"""The "Mark as read" button of the birth plan section: the midwife marks the version she read; a plan
changed since is refused with a clear message; a non-stakeholder gets 404; every attempt is audited."""

import pytest
from django.contrib.auth import get_user_model

from maternity import services
from maternity.actors import Actor
from maternity.models import AccessLog, BirthPlan, UserType

from .conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def her(record) -> Actor:
    user = get_user_model().objects.create_user(username="astrid", first_name="Astrid", last_name="Berg")
    record.person.user = user
    record.person.save(update_fields=["user"])
    return Actor(user_type=UserType.PATIENT, user=user, name="Astrid Berg", source_system="maternity portal")


@pytest.fixture
def plan(record, her) -> BirthPlan:
    return services.birth_plan_save(
        record_id=record.pk, version=None, data={"pain_relief": "Gas and air, no epidural"}, actor=her
    )


def read_url(record) -> str:
    return f"/records/{record.pk}/birth-plan/read/"


def record_url(record) -> str:
    return f"/records/{record.pk}/"


def last_audit(record) -> AccessLog:
    return AccessLog.objects.filter(record_id=record.pk).order_by("-id").first()


def test_the_section_offers_mark_as_read_with_the_version_shown(web_a, record, plan):
    page = web_a.get(record_url(record)).content.decode()
    assert "Gas and air, no epidural" in page
    assert f'action="{read_url(record)}"' in page
    assert '<input type="hidden" name="version" value="1">' in page
    assert "Not yet marked as read." in page


def test_the_midwife_marks_it_read_and_the_section_says_by_whom(web_a, record, plan):
    response = web_a.post(read_url(record), {"version": "1"})

    assert response.status_code == 302
    assert response["Location"] == f"{record_url(record)}#section-birthPlan"
    stored = BirthPlan.objects.get(pk=plan.pk)
    assert stored.acknowledged_by_name == "Kari Jordmor, St Olavs hospital, fødeavdelingen"
    assert stored.version == 1
    page = web_a.get(record_url(record)).content.decode()
    assert "Birth plan marked as read." in page
    assert "by Kari Jordmor, St Olavs hospital, fødeavdelingen on" in page
    assert f'action="{read_url(record)}"' not in page
    entry = AccessLog.objects.filter(record_id=record.pk, action="WRITE").get()
    assert (entry.outcome, entry.status_code, entry.resource_type) == ("ALLOWED", 302, "birthPlan")
    assert entry.detail == "birthPlan version 1 marked as read"
    assert entry.username == "kari"


def test_a_plan_she_changed_since_the_page_was_opened_is_refused(web_a, record, plan, her):
    services.birth_plan_save(
        record_id=record.pk, version=1, data={"pain_relief": "Epidural as early as possible"}, actor=her
    )

    response = web_a.post(read_url(record), {"version": "1"}, follow=True)

    assert BirthPlan.objects.get(pk=plan.pk).acknowledged_at is None
    page = response.content.decode()
    assert "She has changed her birth plan since you opened the page, so it was not marked as read." in page
    assert "Epidural as early as possible" in page  # the new version, to read
    assert '<input type="hidden" name="version" value="2">' in page
    entry = AccessLog.objects.filter(record_id=record.pk, action="WRITE").get()
    assert (entry.outcome, entry.status_code) == ("REJECTED", 409)


def test_a_non_stakeholder_gets_not_found(web_b, record, plan):
    response = web_b.post(read_url(record), {"version": "1"})
    assert response.status_code == 404
    assert BirthPlan.objects.get(pk=plan.pk).acknowledged_at is None
    entry = last_audit(record)
    assert (entry.action, entry.outcome, entry.status_code) == ("WRITE", "DENIED", 404)


def test_a_record_without_a_plan_is_not_found_with_the_reason(web_a, record):
    response = web_a.post(read_url(record), {"version": "1"})
    assert response.status_code == 404
    assert "She has not written a birth plan yet." in response.content.decode()


def test_a_form_without_a_version_is_refused(web_a, record, plan):
    response = web_a.post(read_url(record), {"version": "first"}, follow=True)
    assert "The page did not say which version you read" in response.content.decode()
    assert BirthPlan.objects.get(pk=plan.pk).acknowledged_at is None
    entry = AccessLog.objects.filter(record_id=record.pk, action="WRITE").get()
    assert (entry.outcome, entry.status_code) == ("REJECTED", 400)


def test_marking_read_is_a_post(web_a, record, plan):
    assert web_a.get(read_url(record)).status_code == 405
    assert BirthPlan.objects.get(pk=plan.pk).acknowledged_at is None


def test_someone_who_is_not_a_practitioner_is_refused(not_a_practitioner, record, plan):
    assert signed_in(not_a_practitioner).post(read_url(record), {"version": "1"}).status_code == 403
    assert BirthPlan.objects.get(pk=plan.pk).acknowledged_at is None


def test_the_patient_cannot_mark_her_own_plan_read(record, plan, her):
    response = signed_in(her.user).post(read_url(record), {"version": "1"})
    assert response.status_code == 403
    assert BirthPlan.objects.get(pk=plan.pk).acknowledged_at is None
