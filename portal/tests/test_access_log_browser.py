"""Her access log on her phone (390 x 844) in Chromium, with axe-core: lines per person, place and day,
break glass on top with its coded reason, a line opened to its entries, and asking about an entry from
there: the form, a refused empty question, the question sent, and the answer read under the log. With
UPDATE_SCREENSHOTS=1, the question page as docs/screenshots/portal-access-question.png."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from maternity import services
from maternity.actors import Actor
from maternity.models import AccessAction, AccessOutcome, UserType
from portal.access_questions import access_question_answer
from portal.models import AccessQuestion

from .conftest import PHONE, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_she_opens_a_line_asks_about_an_entry_and_reads_the_answer(phone, record, location_b, midwife_actor):
    ingrid = Actor(
        user_type=UserType.HEALTH_CARE_PROFESSIONAL, care_location=location_b, name="Ingrid Haugen"
    )
    for actor, action in (
        (midwife_actor, AccessAction.READ),
        (midwife_actor, AccessAction.READ),
        (ingrid, AccessAction.BREAK_GLASS),
    ):
        services.access_log_write(
            action=action,
            outcome=AccessOutcome.ALLOWED,
            actor=actor,
            record_id=record.pk,
            reason_code="LABOUR" if action == AccessAction.BREAK_GLASS else "",
            reason="Free text she is not shown",
        )

    phone.goto(f"/portal/pregnancies/{record.pk}/access-log/")
    lines = phone.locator("li.access")
    assert lines.count() == 2
    first = lines.first
    assert "break-glass" in first.get_attribute("class")
    assert first.get_by_text("You were in labour or giving birth at their Care Location").is_visible()
    assert phone.get_by_text("Free text she is not shown").count() == 0
    second = lines.nth(1)
    assert "opened your record 2 times on" in second.locator(".summary").inner_text()
    assert not second.get_by_role("link", name="Ask about this").first.is_visible()  # closed
    second.get_by_text("See all 2 entries").click()
    assert second.locator(".entry-list li").count() == 2
    assert_accessible(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    first.get_by_text("See the entry").click()
    first.get_by_role("link", name="Ask about this").click()
    phone.get_by_role("heading", name="Ask about an entry").wait_for()
    phone.get_by_role("button", name="Send my question").click()
    phone.get_by_text("Write your question.").wait_for()  # the server's answer: wait for it
    assert_accessible(phone)
    if os.environ.get("UPDATE_SCREENSHOTS"):
        phone.screenshot(path=Path(settings.BASE_DIR) / "docs" / "screenshots" / "portal-access-question.png")
    phone.get_by_label("Your question").fill("I do not know Ingrid Haugen. Why did she open my record?")
    phone.get_by_role("button", name="Send my question").click()
    phone.get_by_text("Your question has been sent.").wait_for()
    assert phone.get_by_text("Not answered yet.").is_visible()

    admin = services.practitioner_create(
        username="siri", display_name="Siri Dahl", care_locations=[location_b]
    )
    admin.first_name, admin.last_name, admin.is_staff = "Siri", "Dahl", True
    admin.save()
    location_b.admins.add(admin)
    access_question_answer(
        question_id=AccessQuestion.objects.get().pk,
        answer="She was the midwife on call that night.",
        user=admin,
    )
    phone.reload()
    answer = phone.locator("ol.questions .answer")
    assert "Answer from Siri Dahl" in answer.inner_text()
    assert "She was the midwife on call that night." in answer.inner_text()
    assert_accessible(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
