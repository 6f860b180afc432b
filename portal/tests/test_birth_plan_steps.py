"""Her birth plan in steps: one section per screen, each saved on its own at the version it was read at
(the other topics kept as stored), progress shown, a conflict page when it moved meanwhile, and the whole
plan on one page to print. The whole-plan page stays as it was."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from maternity import services
from maternity.actors import Actor
from maternity.models import AccessLog, BirthPlan, RecordStatus, UserType

pytestmark = pytest.mark.django_db


@pytest.fixture
def her(patient) -> Actor:
    return Actor(
        user_type=UserType.PATIENT, user=patient, name="Astrid Berg", source_system="maternity portal"
    )


@pytest.fixture
def plan(record, her) -> BirthPlan:
    """Version 1: where (step 1), pain relief (step 2) and feeding (step 3)."""
    return services.birth_plan_save(
        record_id=record.pk,
        version=None,
        data={"place_of_birth": "St Olavs hospital", "pain_relief": "Warm water", "feeding": "Breastfeeding"},
        actor=her,
    )


def step(record, n: int) -> str:
    return f"/portal/pregnancies/{record.pk}/birth-plan/step/{n}/"


def whole(record) -> str:
    return f"/portal/pregnancies/{record.pk}/birth-plan/whole/"


def hidden(body: str, name: str) -> str:
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', body)
    assert match, f"no hidden {name}"
    return html.unescape(match.group(1))


def entries(record, action: str) -> list[AccessLog]:
    return list(AccessLog.objects.filter(record_id=record.pk, action=action).order_by("id"))


def stored(record) -> BirthPlan:
    return BirthPlan.objects.get(record=record)


def test_a_step_shows_only_its_topics_with_progress_and_the_current_step_marked(portal, record, plan):
    response = portal.get(step(record, 2))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Step 2 of 5" in page
    assert f'<a href="{step(record, 2)}" aria-current="step">During labour</a>' in page
    assert page.count('aria-current="step"') == 1
    assert re.search(r"<ol>.*Where and with whom.*During labour.*After the birth.*</ol>", page, re.S)
    assert 'name="pain_relief"' in page and "Warm water" in page
    assert 'name="place_of_birth"' not in page  # step 1's topic is not on this screen
    assert hidden(page, "version") == "1"
    assert "Save and continue" in page
    assert f'<a href="{step(record, 1)}">Back' in page
    (entry,) = entries(record, "READ")
    assert (entry.outcome, entry.user_type, entry.resource_type) == ("ALLOWED", "PATIENT", "birthPlan")


def test_the_first_step_starts_a_new_plan_and_goes_on_to_the_next(portal, record):
    page = portal.get(step(record, 1)).content.decode()
    assert hidden(page, "version") == ""
    assert "Back (without saving" not in page

    response = portal.post(step(record, 1), {"version": "", "place_of_birth": "At home"})

    assert (response.status_code, response["Location"]) == (302, step(record, 2))
    assert (stored(record).version, stored(record).place_of_birth) == (1, "At home")
    (entry,) = entries(record, "WRITE")
    assert entry.detail == f"birthPlan {stored(record).pk} saved as version 1"


def test_saving_a_step_saves_only_its_topics_and_keeps_the_others(portal, record, plan):
    response = portal.post(
        step(record, 2),
        {"version": "1", "pain_relief": "An epidural", "place_of_birth": "Smuggled in", "feeding": ""},
    )

    assert (response.status_code, response["Location"]) == (302, step(record, 3))
    saved = stored(record)
    assert (saved.version, saved.pain_relief, saved.positions_and_water) == (2, "An epidural", None)
    assert (saved.place_of_birth, saved.feeding) == ("St Olavs hospital", "Breastfeeding")


def test_the_last_step_goes_to_the_whole_plan(portal, record, plan):
    response = portal.post(step(record, 5), {"version": "1", "other_wishes": "Dim lights"})

    assert (response.status_code, response["Location"]) == (302, whole(record))
    assert stored(record).other_wishes == "Dim lights"


def test_a_step_saved_unchanged_keeps_the_version_and_the_midwifes_read_mark(
    portal, record, plan, midwife_actor
):
    services.birth_plan_acknowledge(record_id=record.pk, version=1, actor=midwife_actor)

    response = portal.post(step(record, 1), {"version": "1", "place_of_birth": "St Olavs hospital"})

    assert response.status_code == 302
    assert (stored(record).version, stored(record).acknowledged_at is not None) == (1, True)


def test_her_change_on_a_step_clears_the_read_mark(portal, record, plan, midwife_actor):
    services.birth_plan_acknowledge(record_id=record.pk, version=1, actor=midwife_actor)

    portal.post(step(record, 1), {"version": "1", "place_of_birth": "At home"})

    assert (stored(record).version, stored(record).acknowledged_at) == (2, None)
    assert "Not read since your last change" in portal.get(whole(record)).content.decode()


def test_a_stale_version_on_a_step_gives_the_conflict_page_and_saves_nothing(portal, record, plan, her):
    form = portal.get(step(record, 2)).content.decode()
    services.birth_plan_save(  # another phone: pain relief and feeding changed meanwhile
        record_id=record.pk,
        version=1,
        data={"place_of_birth": "St Olavs hospital", "pain_relief": "Gas and air", "feeding": "Formula"},
        actor=her,
    )

    response = portal.post(
        step(record, 2), {"version": hidden(form, "version"), "pain_relief": "An epidural"}
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert "Your birth plan was saved somewhere else while you were writing" in page
    assert "An epidural" in page and "Gas and air" in page
    assert "Feeding your baby" not in page  # another step's topic: sent as saved now, so no difference
    assert (hidden(page, "version"), hidden(page, "base_version")) == ("2", "1")
    saved = stored(record)
    assert (saved.version, saved.pain_relief, saved.feeding) == (2, "Gas and air", "Formula")
    (entry,) = entries(record, "WRITE")
    assert (entry.outcome, entry.status_code) == ("REJECTED", 409)

    # her answer on the conflict page (posted back to the step) is saved against the new version
    mine = {name: hidden(page, name) for name in ("version", "base_version", "mine")}
    response = portal.post(step(record, 2), {**mine, "resolve": "mine"})
    assert response.status_code == 302
    saved = stored(record)
    assert (saved.version, saved.pain_relief, saved.feeding) == (3, "An epidural", "Formula")


def test_too_long_text_on_a_step_keeps_what_she_typed_and_saves_nothing(portal, record, plan):
    limit = BirthPlan._meta.get_field("pain_relief").max_length
    long = "Ø" * (limit + 1)

    response = portal.post(
        step(record, 2), {"version": "1", "pain_relief": long, "monitoring": "Now and then"}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "This step is not saved yet" in page and "This is too long" in page
    assert long in page and "Now and then" in page
    assert "Step 2 of 5" in page
    step_heading = page.split('<h2 id="plan-step-h">')[1].split("</h2>")[0]
    assert step_heading != "This step is not saved yet" and step_heading in page.split("<title>")[1]
    assert stored(record).version == 1
    (entry,) = entries(record, "WRITE")
    assert (entry.status_code, entry.detail) == (400, "invalid: pain_relief")


def test_a_tampered_version_on_a_step_saves_nothing(portal, record, plan):
    response = portal.post(step(record, 1), {"version": "zero", "place_of_birth": "At home"})

    assert response.status_code == 400
    assert "Something went wrong with the page" in response.content.decode()
    assert stored(record).version == 1


def test_there_is_no_step_zero_or_after_the_last(portal, record):
    assert portal.get(step(record, 0)).status_code == 404
    assert portal.get(step(record, 6)).status_code == 404


def test_a_closed_record_sends_her_to_the_read_only_plan_and_refuses_a_step(
    portal, record, plan, midwife_actor
):
    services.record_status_update(
        record_id=record.pk,
        version=record.version,
        status=RecordStatus.DELIVERED,
        actor=midwife_actor,
        delivery_date=timezone.now(),
        live_birth=True,
    )

    response = portal.get(step(record, 1))
    assert (response.status_code, response["Location"]) == (
        302,
        f"/portal/pregnancies/{record.pk}/birth-plan/",
    )
    response = portal.post(step(record, 1), {"version": "1", "place_of_birth": "At home"})
    assert response.status_code == 403
    assert stored(record).version == 1
    assert "Change “" not in portal.get(whole(record)).content.decode()


def test_the_whole_plan_shows_every_section_and_prints_cleanly(portal, record, plan):
    response = portal.get(whole(record))

    assert response.status_code == 200
    page = response.content.decode()
    for heading in ("Where and with whom", "During labour", "After the birth", "Talking with you"):
        assert heading in page
    assert "St Olavs hospital" in page and "(nothing written)" in page
    assert f'<a href="{step(record, 2)}">Change “During labour”</a>' in page
    assert "use your browser's Print" in page
    (entry,) = entries(record, "READ")
    assert entry.resource_type == "birthPlan"


def test_the_old_whole_plan_page_still_works_and_links_to_the_steps(portal, record, plan):
    page = portal.get(f"/portal/pregnancies/{record.pk}/birth-plan/").content.decode()

    assert 'name="place_of_birth"' in page and 'name="other_wishes"' in page
    assert f'href="{step(record, 1)}"' in page and f'href="{whole(record)}"' in page


def test_someone_elses_step_is_not_found(record, plan, client, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="nobody"))
    assert client.get(step(record, 1)).status_code in (403, 404)
    assert stored(record).version == 1


def test_a_step_and_the_whole_plan_cost_the_same_queries_however_long_the_history(
    portal, record, plan, her, midwife_actor
):
    def queries() -> tuple[int, int]:
        counts = []
        for address in (step(record, 3), whole(record)):
            with CaptureQueriesContext(connection) as captured:
                assert portal.get(address).status_code == 200
            counts.append(len(captured))
        return counts[0], counts[1]

    few = queries()
    for n in range(8):
        current = stored(record)
        services.birth_plan_acknowledge(record_id=record.pk, version=current.version, actor=midwife_actor)
        services.birth_plan_save(
            record_id=record.pk, version=current.version, data={"feeding": f"Try {n}"}, actor=her
        )
    assert queries() == few
