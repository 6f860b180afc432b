"""The access review queue in a browser, as a Care Location admin: the index counts her open items, the queue
lists them open first with what happened in words, she reviews one, and the queue says so; in both
languages, with no serious accessibility violation. The screenshot docs/screenshots/review-queue.png is of
her queue with a few realistic items of each kind (written there with UPDATE_SCREENSHOTS=1)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import new_nin
from maternity import services
from maternity.actors import Actor
from maternity.models import AccessReview, ReviewKind, UserType
from maternity.rules.identifiers import parse_national_id
from maternity.tests.conftest import make_user

from .conftest import PASSWORD, assert_accessible, make_midwife

pytestmark = pytest.mark.django_db(transaction=True)


def professional(location, name: str, **extra) -> Actor:
    return Actor(user_type=UserType.HEALTH_CARE_PROFESSIONAL, care_location=location, name=name, **extra)


@pytest.fixture
def queue(location_a, location_b, location_c):
    """B's queue: break glasses by its midwives and its client system, a restricted entry of B's opened at
    Haukeland, a find by keys with no care following, and many finds by one midwife in a day."""
    creator = professional(location_a, "Kari Jordmor")
    records = [
        services.record_create(national_id=parse_national_id(new_nin()), actor=creator) for _ in range(4)
    ]
    ingrid = make_midwife("ingrid", location_b, name="Ingrid Haugen", hpr_nr="9144890")
    now = timezone.now()

    def add(kind, actor, record, hours_ago, **fields) -> AccessReview:
        item = services.review_item_add(
            kind=kind, care_location=location_b, actor=actor, record=record, **fields
        )
        AccessReview.objects.filter(pk=item.pk).update(occurred_at=now - timedelta(hours=hours_ago))
        return item

    add(
        ReviewKind.BREAK_GLASS,
        professional(location_b, "Ingrid Haugen", user=ingrid),
        records[0],
        2,
        reason_code="LABOUR",
        reason="Came to our ward in active labour; booked at St Olavs, no notes with her.",
    )
    add(
        ReviewKind.BREAK_GLASS,
        professional(
            location_b, "Ola Nordmann", user=make_user("epj-munkholmen"), client_id="epj-munkholmen"
        ),
        records[1],
        20,
        reason_code="EMERGENCY",
        reason="Bleeding at 31 weeks, brought in by ambulance.",
    )
    add(
        ReviewKind.RESTRICTED_OPENED,
        professional(location_c, "Per Lege"),
        records[2],
        27,
        reason="Needs the earlier pregnancies before anaesthesia.",
        detail="Opened previousPregnancies (restricted by Munkholmen jordmortjeneste).",
    )
    found = AccessReview.objects.create(
        kind=ReviewKind.FIND_WITHOUT_CARE,
        care_location=location_b,
        occurred_at=now - timedelta(hours=80),
        record=records[3],
        user=ingrid,
        username="ingrid",
        acting_user_name="Ingrid Haugen",
        accessor_location=location_b,
        accessor_org_name=location_b.name,
        reason_code="OTHER",
        reason="Checking whether she had booked with us.",
        detail="Found the record by its keys (audit entry #4411, FIND); no care episode at Munkholmen "
        "jordmortjeneste followed within 72 hours.",
        key="find-without-care:4411",
    )
    AccessReview.objects.create(
        kind=ReviewKind.MANY_FINDS,
        care_location=location_b,
        occurred_at=now - timedelta(days=2),
        user=ingrid,
        username="ingrid",
        acting_user_name="Ingrid Haugen",
        accessor_location=location_b,
        accessor_org_name=location_b.name,
        finds=34,
        detail="34 finds and look-ups on that day (more than 20 in a day).",
        key=f"many-finds:{ingrid.pk}:day",
        reviewed_at=now - timedelta(days=1),
        outcome="FOLLOW_UP",
        comment="Asked Ingrid: she was checking a list of referrals. Talk to the team about the caseload.",
    )
    admin = make_user("siri", is_staff=True, first_name="Siri")
    admin.set_password(PASSWORD)
    admin.save()
    location_b.admins.add(admin)
    return found


def sign_in_to_admin(page, username: str) -> None:
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_load_state()


def test_a_location_admin_reviews_her_queue_in_a_browser(new_page, queue, shots):
    page = new_page(viewport={"width": 1440, "height": 900})
    sign_in_to_admin(page, "siri")
    count = page.locator("#review-queue-count")
    assert "4 accesses to review" in count.inner_text()
    assert_accessible(page)

    count.get_by_role("link").click()
    page.wait_for_load_state()
    page.goto("/admin/maternity/accessreview/")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 5
    assert "Ingrid Haugen (via ingrid) at Munkholmen jordmortjeneste broke glass" in rows.nth(0).inner_text()
    assert "Needs follow-up" in rows.nth(4).inner_text()  # reviewed: last
    assert_accessible(page)
    page.locator("#toggle-nav-sidebar").click()  # the queue's whole width, as she would on a laptop
    page.screenshot(path=shots / "review-queue.png", full_page=True)

    page.goto(f"/admin/maternity/accessreview/{queue.pk}/review/")
    page.get_by_label("Outcome").select_option("NOT_JUSTIFIED")
    page.get_by_role("button", name="Save the review").click()
    page.wait_for_load_state()
    assert "Write a comment" in page.locator(".errorlist").inner_text()  # nothing saved yet
    assert_accessible(page)
    page.get_by_label("Outcome").select_option("NOT_JUSTIFIED")
    page.get_by_label("Comment").fill("No referral and no booking: she had no reason to look. Reported.")
    page.get_by_role("button", name="Save the review").click()
    page.wait_for_load_state()
    assert f"Item {queue.pk} reviewed." in page.locator(".messagelist").inner_text()
    queue.refresh_from_db()
    assert queue.outcome == "NOT_JUSTIFIED"

    page.locator(".language-switch button[lang=nb]").click()
    page.wait_for_load_state()
    page.goto("/admin/maternity/accessreview/")
    assert "brukte nødtilgang" in page.locator("#result_list").inner_text()
    assert_accessible(page)
