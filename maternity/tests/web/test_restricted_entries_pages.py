"""Restricted entries on the professional pages (issue 23): the record page, the section pages and their
history, the restrict / lift / open pages, for every kind of caller."""

from datetime import timedelta

import pytest
from django.utils import timezone

from maternity import services
from maternity.models import (
    AccessAction,
    AccessLog,
    AccessReview,
    RestrictedOpening,
    Restriction,
    ReviewKind,
    StakeholderReason,
)
from maternity.tests.restricted_world import OPEN_NOTE, SECRET, restricted_record

from .conftest import midwife


@pytest.fixture
def world(record, actor_a, location_b):
    return restricted_record(record=record, actor_a=actor_a, location_b=location_b)


def _page(web, world):
    response = web.get(f"/records/{world.record.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def _open(web, world, restriction_id, **data):
    body = {"reason_code": "EMERGENCY", "reason": "Admitted acutely, needs her medical history", **data}
    return web.post(f"/records/{world.record.pk}/restrictions/{restriction_id}/open/", body)


def test_the_restricting_locations_midwife_sees_the_entries_marked_with_a_lift_button(web_a, world):
    page = _page(web_a, world)
    assert SECRET in page and OPEN_NOTE in page
    assert "restricted by your Care Location" in page
    assert f"/restrictions/{world.visit_restriction}/lift/" in page
    assert f"/restrictions/{world.conditions_restriction}/lift/" in page


def test_another_locations_midwife_sees_placeholders_with_the_open_form(web_b, world):
    page = _page(web_b, world)
    assert SECRET not in page
    assert OPEN_NOTE in page
    assert "A restricted entry." in page
    assert f"/restrictions/{world.visit_restriction}/open/" in page
    assert f"/restrictions/{world.conditions_restriction}/open/" in page
    assert "Mental health" not in page  # not even the category


def test_a_stranger_gets_404(location_c, world):
    web_c, _ = midwife("hedda", location_c)
    assert web_c.get(f"/records/{world.record.pk}/").status_code == 404


def test_anonymous_is_sent_to_sign_in(client, world):
    assert client.get(f"/records/{world.record.pk}/").status_code == 302


def test_opening_with_a_reason_shows_it_audits_it_and_puts_it_in_the_restricting_queue(
    web_b, world, location_a
):
    response = _open(web_b, world, world.visit_restriction)
    assert response.status_code == 302
    page = _page(web_b, world)
    assert SECRET in page
    assert "You opened this restricted entry" in page
    entry = AccessLog.objects.get(record_id=world.record.pk, action=AccessAction.OPEN_RESTRICTED)
    assert entry.reason_code == "EMERGENCY" and "medical history" in entry.reason
    review = AccessReview.objects.get(kind=ReviewKind.RESTRICTED_OPENED)
    assert review.care_location == location_a and review.reason_code == "EMERGENCY"
    assert RestrictedOpening.objects.get().until > timezone.now()


def test_an_opening_ends(web_b, world):
    _open(web_b, world, world.visit_restriction)
    RestrictedOpening.objects.update(until=timezone.now() - timedelta(minutes=1))
    assert SECRET not in _page(web_b, world)


@pytest.mark.parametrize(
    "data, field",
    [
        ({"reason": ""}, "reason"),
        ({"reason": "short"}, "reason"),
        ({"reason_code": ""}, "reason_code"),
        ({"reason_code": "BORED"}, "reason_code"),
    ],
)
def test_opening_without_a_proper_reason_is_refused_and_audited(web_b, world, data, field):
    response = _open(web_b, world, world.visit_restriction, **data)
    assert response.status_code == 400
    assert not RestrictedOpening.objects.exists()
    assert not AccessReview.objects.filter(kind=ReviewKind.RESTRICTED_OPENED).exists()
    entry = AccessLog.objects.get(record_id=world.record.pk, action=AccessAction.OPEN_RESTRICTED)
    assert entry.outcome == "REJECTED"
    assert SECRET not in response.content.decode()


def test_another_locations_midwife_cannot_edit_or_read_its_history(web_b, world):
    base = f"/records/{world.record.pk}/sections"
    for url in [
        f"{base}/antenatalAppointments/{world.secret_visit_id}/",
        f"{base}/antenatalAppointments/{world.secret_visit_id}/entered-in-error/",
        f"{base}/medicalConditions/",
        f"{base}/medicalConditions/history/",
        f"{base}/antenatalAppointments/history/?item={world.secret_visit_id}",
    ]:
        response = web_b.get(url)
        assert response.status_code == 403, url
        assert SECRET not in response.content.decode()
    posted = web_b.post(
        f"{base}/antenatalAppointments/{world.secret_visit_id}/",
        {"appointment_date": "2026-11-02", "note": "overwritten", "version": "1"},
    )
    assert posted.status_code == 403
    assert Restriction.objects.filter(lifted_at__isnull=True).count() == 2
    listing = web_b.get(f"{base}/antenatalAppointments/history/").content.decode()
    assert "A restricted entry" in listing and SECRET not in listing


def test_restricting_an_entry_takes_a_category_and_a_confirmation(web_a, world):
    url = f"/records/{world.record.pk}/sections/medication/restrict/"
    assert web_a.get(url).status_code == 404  # no medication recorded yet
    url = f"/records/{world.record.pk}/sections/antenatalAppointments/{world.open_visit_id}/restrict/"
    assert web_a.get(url).status_code == 200
    refused = web_a.post(url, {"category": "SAFEGUARDING"})
    assert refused.status_code == 400
    assert web_a.post(url, {"category": "NOPE", "confirm": "on"}).status_code == 400
    done = web_a.post(url, {"category": "SAFEGUARDING", "confirm": "on", "hidden_from_patient": "on"})
    assert done.status_code == 302
    restriction = Restriction.objects.get(resource_id=world.open_visit_id)
    assert restriction.hidden_from_patient and restriction.category == "SAFEGUARDING"


def test_mother_and_the_birth_plan_cannot_be_restricted(web_a, world, actor_a):
    from maternity import services

    services.resource_create(
        record_id=world.record.pk, resource_type="mother", data={"name": "X"}, actor=actor_a
    )
    response = web_a.get(f"/records/{world.record.pk}/sections/mother/restrict/")
    assert response.status_code == 400


def test_lifting_is_only_for_the_restricting_location(web_a, web_b, world):
    url = f"/records/{world.record.pk}/restrictions/{world.visit_restriction}/lift/"
    web_b.post(url)
    assert not Restriction.objects.get(pk=world.visit_restriction).lifted
    assert web_a.post(url).status_code == 302
    assert Restriction.objects.get(pk=world.visit_restriction).lifted
    assert SECRET in _page(web_b, _reload(world))


def _reload(world):
    world.record.refresh_from_db()
    return world


def test_the_record_page_costs_the_same_with_restrictions(web_a, web_b, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(60):
        _page(web_b, world)


def test_the_printed_notes_leave_out_what_she_may_not_see_and_say_so(web_a, web_b, world):
    from .test_printed_notes import flat, pdf_pages

    elsewhere = flat(" ".join(pdf_pages(web_b.get(f"/records/{world.record.pk}/notes.pdf"))))
    assert SECRET not in elsewhere and OPEN_NOTE in elsewhere
    assert "2 entries restricted by another Care Location are not printed" in elsewhere
    here = flat(" ".join(pdf_pages(web_a.get(f"/records/{world.record.pk}/notes.pdf"))))
    assert SECRET in here and "not printed" not in here


def test_a_hidden_appointment_raises_no_alert_elsewhere(web_a, web_b, record, actor_a, location_b):
    from datetime import timedelta

    from maternity import services

    services.resource_create(
        record_id=record.pk,
        resource_type="antenatalAppointments",
        data={"appointment_date": timezone.localdate() - timedelta(days=1), "blood_pressure": "165/112"},
        actor=actor_a,
    )
    visit = record.antenatalappointments.get()
    services.stakeholder_grant(record=record, care_location=location_b, reason="ACTIVE_CARE")
    services.restriction_add(
        record_id=record.pk,
        resource_type="antenatalAppointments",
        resource_id=visit.pk,
        category="SAFEGUARDING",
        actor=actor_a,
    )
    assert "165/112" in web_a.get(f"/records/{record.pk}/").content.decode()
    assert "165/112" not in web_b.get(f"/records/{record.pk}/").content.decode()


def test_a_note_can_be_restricted_from_the_record_page(web_b, world, actor_b):
    from maternity import services

    services.care_pull(record_id=world.record.pk, actor=actor_b)  # writes a note, at B
    note = world.record.notes.get()
    assert f"/sections/notes/{note.pk}/restrict/" in _page(web_b, world)


def test_a_restricted_appointment_raises_no_flag_in_another_locations_caseload_or_tasks(
    web_b, actor_a, actor_b
):
    """A flag quotes the reading ("BP 160/110"): where the appointment is hidden, so is its flag."""
    from .factories import make_pregnancy

    record = make_pregnancy(actor_a)
    visit = services.resource_create(
        record_id=record.pk,
        resource_type="antenatalAppointments",
        data={"appointment_date": timezone.localdate(), "blood_pressure": "160/110"},
        actor=actor_a,
    )
    services.restriction_add(
        record_id=record.pk,
        resource_type="antenatalAppointments",
        resource_id=visit.pk,
        category="SAFEGUARDING",
        hidden_from_patient=False,
        actor=actor_a,
    )
    services.stakeholder_grant(
        record=record, care_location=actor_b.care_location, reason=StakeholderReason.ACTIVE_CARE
    )
    services.care_pull(record_id=record.pk, actor=actor_b)  # B cares for her now: her row is in B's lists

    def codes(web):
        caseload = web.get("/").context["rows"]
        tasks = web.get("/tasks/").content.decode()
        return [flag.code for row in caseload for flag in row.flags], tasks

    flags, tasks = codes(web_b)
    assert "bp-high" not in flags and "160/110" not in tasks

    restriction = Restriction.objects.get(resource_id=visit.pk)
    services.restriction_lift(restriction_id=restriction.pk, record_id=record.pk, actor=actor_a)
    flags, tasks = codes(web_b)
    assert "bp-high" in flags and "160/110" in tasks
