"""The access review queue in the admin (/admin/maternity/accessreview/), tried by each kind of caller: the
admin of the item's Care Location sees and decides her items; the admin of another location sees none and
reaches none (404); a midwife who is not an admin, a staff user who administers nothing and anyone signed
out have no queue; a superuser sees all. Bad input is refused in words and changes nothing; the history
page keeps both reviews; the index says how many are open; every look and decision is audited."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from maternity.models import AccessAction, AccessLog, AccessOutcome, AccessReview, ReviewKind

from .test_access_review_service import DOB, EDD, glass, ingrid, pregnancy  # noqa: F401  (fixtures)
from .web.conftest import practitioner

pytestmark = pytest.mark.django_db

QUEUE = "/admin/maternity/accessreview/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def listed(user) -> set[int]:
    response = signed_in(user).get(QUEUE)
    assert response.status_code == 200
    return {item.pk for item in response.context["cl"].result_list}


@pytest.fixture
def at_a(location_a) -> AccessReview:
    """An item in A's queue: many finds by someone at A."""
    return AccessReview.objects.create(
        kind=ReviewKind.MANY_FINDS,
        care_location=location_a,
        accessor_location=location_a,
        accessor_org_name=location_a.name,
        acting_user_name="Kari Jordmor",
        username="kari",
        finds=34,
        detail="34 finds and look-ups on 2026-12-06 (more than 20 in a day).",
        key="many-finds:1:2026-12-06",
    )


def test_the_locations_admin_sees_her_items_and_only_hers(glass, at_a, admin_a, admin_b, superuser):  # noqa: F811
    assert listed(admin_b) == {glass.pk}
    assert listed(admin_a) == {at_a.pk}
    assert listed(superuser) == {glass.pk, at_a.pk}


def test_the_queue_says_what_happened_with_the_coded_reason_and_the_text(glass, admin_b, pregnancy):  # noqa: F811
    page = text_of(signed_in(admin_b).get(QUEUE))
    assert "Ingrid Haugen (via ingrid) at Munkholmen jordmortjeneste broke glass" in page
    assert "In labour or giving birth at this location" in page  # the code, in words
    assert "Came in to our ward in labour at night" in page  # and what she wrote: professionals read it
    assert f"?q={pregnancy.pk}" in page and f"/records/{pregnancy.pk}/" in page  # its audit trail; the app
    assert "Review…" in page


def test_open_items_come_first_then_the_newest(location_b, admin_b):
    def item(hours_ago: int, *, reviewed: bool) -> AccessReview:
        return AccessReview.objects.create(
            kind=ReviewKind.BREAK_GLASS,
            care_location=location_b,
            occurred_at=timezone.now() - timezone.timedelta(hours=hours_ago),
            reviewed_at=timezone.now() if reviewed else None,
            outcome="JUSTIFIED" if reviewed else "",
        )

    newest_done, old_open = item(1, reviewed=True), item(30, reviewed=False)
    new_open = item(2, reviewed=False)
    response = signed_in(admin_b).get(QUEUE)
    assert [i.pk for i in response.context["cl"].result_list] == [new_open.pk, old_open.pk, newest_done.pk]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("open=yes", {"open"}),
        ("open=no", {"done"}),
        ("outcome__exact=FOLLOW_UP", {"done"}),
        ("kind__exact=MANY_FINDS", set()),
    ],
)
def test_the_filters_narrow_the_queue(location_b, admin_b, query, expected):
    made = {
        "open": AccessReview.objects.create(kind=ReviewKind.BREAK_GLASS, care_location=location_b),
        "done": AccessReview.objects.create(
            kind=ReviewKind.RESTRICTED_OPENED,
            care_location=location_b,
            reviewed_at=timezone.now(),
            outcome="FOLLOW_UP",
            comment="Ask them.",
        ),
    }
    response = signed_in(admin_b).get(f"{QUEUE}?{query}")
    assert response.status_code == 200
    shown = {item.pk for item in response.context["cl"].result_list}
    assert shown == {made[name].pk for name in expected}


def test_a_restricted_entry_opened_is_shown_like_the_others(location_b, admin_b):
    AccessReview.objects.create(
        kind=ReviewKind.RESTRICTED_OPENED,
        care_location=location_b,
        acting_user_name="Ola Lege",
        accessor_org_name="Haukeland fødeavdeling",
        reason="Needed the history of the earlier pregnancy before surgery",
    )
    page = text_of(signed_in(admin_b).get(QUEUE))
    said = "Ola Lege at Haukeland fødeavdeling opened an entry restricted by Munkholmen jordmortjeneste."
    assert said in page


def test_an_items_own_page_is_read_only_links_to_its_review_and_is_audited(glass, admin_b):  # noqa: F811
    page = signed_in(admin_b).get(f"{QUEUE}{glass.pk}/change/")
    assert page.status_code == 200
    assert list(page.context["adminform"].form.fields) == []  # read-only
    assert f"{QUEUE}{glass.pk}/review/" in page.content.decode()
    assert AccessLog.objects.filter(
        user=admin_b, action=AccessAction.AUDIT_READ, detail__startswith=f"Viewed access review #{glass.pk}"
    ).exists()


def test_the_admin_reviews_on_the_review_page_and_it_is_audited(glass, admin_b):  # noqa: F811
    admin = signed_in(admin_b)
    page = admin.get(f"{QUEUE}{glass.pk}/review/")
    assert page.status_code == 200 and "Came in to our ward in labour at night" in text_of(page)
    response = admin.post(
        f"{QUEUE}{glass.pk}/review/", {"outcome": "JUSTIFIED", "comment": "Admitted in labour, see EPJ."}
    )
    assert response.status_code == 302 and response.url == QUEUE
    glass.refresh_from_db()
    assert glass.outcome == "JUSTIFIED" and glass.reviewed_by == admin_b
    writes = AccessLog.objects.filter(user=admin_b, action=AccessAction.WRITE)
    assert writes.count() == 1 and writes.get().outcome == AccessOutcome.ALLOWED
    reads = AccessLog.objects.filter(user=admin_b, action=AccessAction.AUDIT_READ)
    assert reads.filter(detail__startswith=f"Access review #{glass.pk}").exists()


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"comment": "Fine"}, "Choose an outcome."),
        ({"outcome": "MAYBE", "comment": "Fine"}, "Unknown outcome"),
        ({"outcome": "JUSTIFIED", "comment": " "}, "Write a comment"),
        ({"outcome": "JUSTIFIED", "comment": "x" * 2001}, "it can be at most 2000"),
    ],
)
def test_bad_input_on_the_review_page_is_refused_in_words_and_changes_nothing(glass, admin_b, data, says):  # noqa: F811
    response = signed_in(admin_b).post(f"{QUEUE}{glass.pk}/review/", data)
    assert response.status_code == 200 and says in text_of(response)
    glass.refresh_from_db()
    assert not glass.reviewed and glass.history.count() == 1
    refused = AccessLog.objects.get(user=admin_b, action=AccessAction.WRITE)
    assert refused.status_code == 400 and refused.outcome == AccessOutcome.REJECTED
    assert "Review refused" in refused.detail


def test_a_nul_in_the_comment_is_refused_before_the_page_and_changes_nothing(glass, admin_b):  # noqa: F811
    data = {"outcome": "JUSTIFIED", "comment": "a\x00"}
    response = signed_in(admin_b).post(f"{QUEUE}{glass.pk}/review/", data)
    assert response.status_code == 400
    glass.refresh_from_db()
    assert not glass.reviewed


def test_the_history_page_keeps_both_reviews(glass, admin_b):  # noqa: F811
    admin = signed_in(admin_b)
    admin.post(f"{QUEUE}{glass.pk}/review/", {"outcome": "JUSTIFIED", "comment": "First look."})
    admin.post(f"{QUEUE}{glass.pk}/review/", {"outcome": "FOLLOW_UP", "comment": "Second look: ask her."})
    history = admin.get(f"{QUEUE}{glass.pk}/history/")
    assert history.status_code == 200
    assert len(history.context["page_obj"].object_list) == 3
    page = text_of(history)
    assert "First look." in page and "Second look: ask her." in page
    assert AccessLog.objects.filter(
        user=admin_b, detail__startswith=f"Viewed the history of access review #{glass.pk}"
    ).exists()


def test_another_locations_admin_reaches_none_of_it(glass, admin_a):  # noqa: F811
    admin = signed_in(admin_a)
    assert admin.get(f"{QUEUE}{glass.pk}/review/").status_code == 404
    response = admin.post(f"{QUEUE}{glass.pk}/review/", {"outcome": "NOT_JUSTIFIED", "comment": "Mine now."})
    assert response.status_code == 404
    assert admin.get(f"{QUEUE}{glass.pk}/change/").status_code == 302  # "does not exist"
    glass.refresh_from_db()
    assert not glass.reviewed
    assert AccessLog.objects.filter(user=admin_a, status_code=404).exists()


@pytest.mark.parametrize("who", ["midwife", "plain_staff"])
def test_people_who_are_not_admins_have_no_queue(request, glass, who, location_b):  # noqa: F811
    user = practitioner("siri", location_b) if who == "midwife" else request.getfixturevalue(who)
    client = signed_in(user)
    for url in (QUEUE, f"{QUEUE}{glass.pk}/review/"):
        response = client.get(url)
        assert response.status_code in (302, 403, 404)
        if response.status_code == 302:
            assert response.url.startswith("/admin/login/")
    if who == "plain_staff":
        assert client.get(QUEUE).status_code == 403


def test_signed_out_is_sent_to_sign_in(glass):  # noqa: F811
    response = Client().get(QUEUE)
    assert response.status_code == 302 and response.url.startswith("/admin/login/")


def test_the_index_counts_her_open_items(glass, at_a, admin_b, superuser):  # noqa: F811
    assert "1 access to review" in text_of(signed_in(admin_b).get("/admin/"))
    assert "2 accesses to review" in text_of(signed_in(superuser).get("/admin/"))
    glass.reviewed_at, glass.outcome = timezone.now(), "JUSTIFIED"
    glass.save()
    assert "No access waits for your review." in text_of(signed_in(admin_b).get("/admin/"))


def test_a_superuser_decides_any_item(glass, superuser):  # noqa: F811
    response = signed_in(superuser).post(
        f"{QUEUE}{glass.pk}/review/", {"outcome": "NOT_JUSTIFIED", "comment": "No care relationship found."}
    )
    assert response.status_code == 302
    glass.refresh_from_db()
    assert glass.outcome == "NOT_JUSTIFIED" and glass.reviewed_by == superuser


def test_listing_the_queue_is_audited(glass, admin_b):  # noqa: F811
    signed_in(admin_b).get(f"{QUEUE}?open=yes")
    entry = AccessLog.objects.get(user=admin_b, action=AccessAction.AUDIT_READ)
    assert entry.detail == "Listed the access review queue (open=yes)."
    assert entry.resource_type == "accessReview"


@pytest.mark.parametrize("bad", ["x", "99999999999999999999", "-1", "1e3"])
def test_a_bad_item_id_is_not_found(admin_b, bad):
    client = signed_in(admin_b)
    assert client.get(f"{QUEUE}{bad}/review/").status_code == 404
    assert client.get(f"{QUEUE}{bad}/history/").status_code == 404


def test_the_queue_costs_the_same_queries_however_long_it_is(location_b, admin_b):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(admin_b)
    client.get(QUEUE)  # the first request warms the caches (content types, the session's user)

    def queries_for(count: int) -> int:
        AccessReview.objects.bulk_create(
            AccessReview(
                kind=ReviewKind.BREAK_GLASS,
                care_location=location_b,
                acting_user_name="Ingrid Haugen",
                reason_code="EMERGENCY",
                reason="Brought in by ambulance.",
            )
            for _ in range(count)
        )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(QUEUE).status_code == 200
        return len(queries)

    assert queries_for(3) == queries_for(30)
