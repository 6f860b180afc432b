"""The subscriptions admin: each role sees its own, lag in one changelist query, pause/resume/redeliver/delete
only through the services, and redelivery from the outage, a date and time, or the very beginning."""

import time
from datetime import date, timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import new_nin
from maternity import services
from maternity.actors import Actor
from maternity.models import RecordEvent, UserType
from maternity.rules.identifiers import parse_national_id
from maternity.tests import conftest as admin_users
from spine.models import SpineClient, SubscriptionState, WebhookSubscription
from spine.services import subscription_create
from spine.tests.helpers import commit_positions

CHANGELIST = "/admin/spine/webhooksubscription/"
LONG_ERROR = "Connection refused by 127.0.0.1:9 " + "after a very long wait " * 10 + "THE END"

pytestmark = pytest.mark.django_db

# The admin users the maternity admin tests use: a superuser, the admins of locations A and B, plain staff.
superuser, admin_a, admin_b = admin_users.superuser, admin_users.admin_a, admin_users.admin_b
plain_staff = admin_users.plain_staff


def change_page(subscription) -> str:
    return f"{CHANGELIST}{subscription.pk}/change/"


def make_records(location, count: int = 1) -> list:
    actor = Actor(user_type=UserType.HEALTH_CARE_PROFESSIONAL, care_location=location, name="Kari Jordmor")
    records = [
        services.record_create(national_id=parse_national_id(new_nin()), actor=actor) for _ in range(count)
    ]
    commit_positions()
    return records


def subscribe(client_system, url: str = "http://127.0.0.1:9/hook") -> WebhookSubscription:
    return subscription_create(client=client_system.client, url=url).subscription


def as_the_worker_left_it(subscription, **fields) -> WebhookSubscription:
    """What the delivery worker would have written (delivered through a cursor, failing since...)."""
    WebhookSubscription.objects.filter(pk=subscription.pk).update(**fields)
    return WebhookSubscription.objects.get(pk=subscription.pk)


def waiting(records, *, after: int) -> int:
    return RecordEvent.objects.filter(record__in=records, position__gt=after).count()


def last_position(records) -> int:
    return RecordEvent.objects.filter(record__in=records).order_by("-position").first().position


def shown(response) -> dict:
    """The listed subscriptions' URLs and the lag the changelist computed for each."""
    assert response.status_code == 200
    return {subscription.url: subscription.lag for subscription in response.context["cl"].result_list}


def act(client, action: str, *subscriptions, **data):
    selected = [str(subscription.pk) for subscription in subscriptions]
    return client.post(CHANGELIST, {"action": action, "_selected_action": selected, **data})


def reload(subscription) -> WebhookSubscription:
    return WebhookSubscription.objects.get(pk=subscription.pk)


@pytest.fixture
def sub_a(client_a):
    return subscribe(client_a, "http://127.0.0.1:9/hook-a")


@pytest.fixture
def sub_b(client_b):
    return subscribe(client_b, "http://127.0.0.1:9/hook-b")


@pytest.fixture
def records_a(sub_a, location_a):
    return make_records(location_a, 2)


@pytest.fixture
def records_b(sub_b, location_b):
    return make_records(location_b, 3)


# What each role sees


def test_superuser_sees_every_subscription_with_the_events_waiting_for_it(
    client, superuser, sub_a, sub_b, records_a, records_b
):
    client.force_login(superuser)
    response = client.get(CHANGELIST)
    assert shown(response) == {
        sub_a.url: waiting(records_a, after=sub_a.cursor),
        sub_b.url: waiting(records_b, after=sub_b.cursor),
    }
    assert waiting(records_a, after=sub_a.cursor) >= 2
    page = response.content.decode()
    assert "Events waiting" in page and "EPJ at St Olav" in page and "St Olavs hospital" in page


def test_location_admin_sees_only_the_subscriptions_of_their_locations_client_systems(
    client, admin_a, admin_b, sub_a, sub_b, records_a, records_b
):
    client.force_login(admin_a)
    assert shown(client.get(CHANGELIST)) == {sub_a.url: waiting(records_a, after=sub_a.cursor)}
    client.force_login(admin_b)
    assert shown(client.get(CHANGELIST)) == {sub_b.url: waiting(records_b, after=sub_b.cursor)}


def test_location_admin_is_offered_only_their_own_location_in_the_filter(client, admin_a, sub_a, sub_b):
    client.force_login(admin_a)
    page = client.get(CHANGELIST).content.decode()
    assert "St Olavs hospital" in page and "Munkholmen" not in page


def test_plain_staff_sees_no_subscriptions_at_all(client, plain_staff, sub_a):
    client.force_login(plain_staff)
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(change_page(sub_a)).status_code == 403
    assert client.get(f"{CHANGELIST}{sub_a.pk}/redeliver/").status_code == 403
    assert "webhooksubscription" not in client.get("/admin/").content.decode()


def test_location_admin_cannot_open_another_locations_subscription(client, admin_b, sub_a):
    client.force_login(admin_b)
    assert client.get(change_page(sub_a)).status_code == 302  # the admin's "does not exist" redirect
    assert client.get(f"{CHANGELIST}{sub_a.pk}/redeliver/").status_code == 404


def test_filters_and_search_narrow_the_list(client, superuser, location_a, sub_a, sub_b):
    as_the_worker_left_it(sub_b, state=SubscriptionState.FAILING)
    client.force_login(superuser)
    assert set(shown(client.get(CHANGELIST, {"state__exact": "FAILING"}))) == {sub_b.url}
    assert set(shown(client.get(CHANGELIST, {"care_location": location_a.pk}))) == {sub_a.url}
    assert set(shown(client.get(CHANGELIST, {"q": "Munkholmen"}))) == {sub_b.url}
    assert set(shown(client.get(CHANGELIST, {"q": "hook-a"}))) == {sub_a.url}


# Lag: the client's own feed after the cursor


def test_lag_counts_only_events_after_the_cursor(client, superuser, sub_a, records_a):
    as_the_worker_left_it(sub_a, cursor=last_position(records_a))
    later = make_records(sub_a.client.care_location, 1)
    client.force_login(superuser)
    assert shown(client.get(CHANGELIST)) == {sub_a.url: waiting(later, after=0)}


def test_lag_follows_the_client_systems_record_filter(client, superuser, client_a, location_a, sub_a):
    SpineClient.objects.filter(pk=client_a.client.pk).update(record_filter=["mother"])
    [record] = make_records(location_a)
    actor = Actor(user_type=UserType.HEALTH_CARE_PROFESSIONAL, care_location=location_a, name="Kari Jordmor")
    services.resource_create(
        record_id=record.pk, resource_type="mother", data={"name": "Mamma Mu"}, actor=actor
    )
    services.resource_create(
        record_id=record.pk,
        resource_type="antenatalAppointments",
        data={"appointment_date": date(2026, 3, 1), "blood_pressure": "120/80"},
        actor=actor,
    )
    commit_positions()
    client.force_login(superuser)

    wanted = RecordEvent.objects.filter(record=record, resource_type__in=["record", "mother"]).count()
    assert shown(client.get(CHANGELIST)) == {sub_a.url: wanted}
    assert 0 < wanted < RecordEvent.objects.filter(record=record).count()


def test_lag_includes_the_records_the_location_became_a_stakeholder_of(
    client, superuser, client_a, location_a, sub_b, records_b
):
    services.stakeholder_grant(record=records_b[0], care_location=location_a, reason="API_ACCESS")
    commit_positions()
    sub_a = subscription_create(client=client_a.client, url="http://127.0.0.1:9/hook-a", after=0).subscription
    client.force_login(superuser)
    assert shown(client.get(CHANGELIST))[sub_a.url] == waiting(records_b[:1], after=0) > 0


def test_changelist_queries_are_the_same_for_2_and_20_subscriptions(
    client, superuser, client_a, client_b, location_a, settings
):
    settings.WEBHOOK_MAX_PER_CLIENT = 20
    client.force_login(superuser)

    def queries_for_listing(count: int) -> int:
        while WebhookSubscription.objects.count() < count:
            n = WebhookSubscription.objects.count()
            subscribe(client_a if n % 2 else client_b, f"http://127.0.0.1:9/hook-{n}")
        make_records(location_a, 1)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(CHANGELIST)
        assert len(shown(response)) == count
        return len(queries)

    two, twenty = queries_for_listing(2), queries_for_listing(20)
    assert two == twenty


def test_location_admins_changelist_stays_within_a_fixed_number_of_queries(
    client, admin_a, client_a, location_a, django_assert_max_num_queries
):
    for n in range(5):
        subscribe(client_a, f"http://127.0.0.1:9/hook-{n}")
    make_records(location_a, 2)
    client.force_login(admin_a)
    with django_assert_max_num_queries(10):
        assert len(shown(client.get(CHANGELIST))) == 5


# State, errors and the change page


def test_failing_subscriptions_stand_out_and_long_errors_are_shortened_in_the_list(
    client, superuser, sub_a, sub_b
):
    as_the_worker_left_it(
        sub_a, state=SubscriptionState.FAILING, failing_since=timezone.now(), last_error=LONG_ERROR
    )
    client.force_login(superuser)
    page = client.get(CHANGELIST).content.decode()
    assert page.count("subscription-failing") == 1
    assert LONG_ERROR[:40] in page and "THE END" not in page


def test_change_page_shows_the_lag_and_the_full_last_error_read_only(client, superuser, sub_a, records_a):
    as_the_worker_left_it(sub_a, last_error=LONG_ERROR)
    client.force_login(superuser)
    response = client.get(change_page(sub_a))
    assert response.status_code == 200
    page = response.content.decode()
    assert "THE END" in page and "Events waiting" in page
    assert response.context["original"].lag == waiting(records_a, after=sub_a.cursor)
    assert 'name="url"' not in page and "sealed_secret" not in page and "_save" not in page
    assert "Redeliver events" in page


def test_nobody_adds_or_edits_subscriptions_in_the_admin(client, superuser, sub_a):
    client.force_login(superuser)
    assert client.get(f"{CHANGELIST}add/").status_code == 403
    assert client.post(change_page(sub_a), {"url": "http://127.0.0.1:9/other"}).status_code == 403
    assert reload(sub_a).url == sub_a.url


# Pause, resume, delete


def test_location_admin_pauses_and_resumes_through_the_services(client, admin_a, sub_a):
    as_the_worker_left_it(
        sub_a,
        state=SubscriptionState.FAILING,
        failed_attempts=9,
        next_attempt_at=timezone.now() + timedelta(hours=1),
    )
    client.force_login(admin_a)

    assert act(client, "pause", sub_a).status_code == 302
    assert reload(sub_a).state == SubscriptionState.PAUSED

    before = timezone.now()
    act(client, "resume", sub_a)
    resumed = reload(sub_a)
    assert (resumed.state, resumed.failed_attempts) == (SubscriptionState.ACTIVE, 0)
    assert resumed.next_attempt_at >= before
    assert list(
        LogEntry.objects.filter(object_id=str(sub_a.pk)).values_list("change_message", flat=True)
    ) == [
        "Resumed.",
        "Paused.",
    ]


def test_location_admin_cannot_act_on_another_locations_subscriptions(client, admin_b, sub_a, records_a):
    client.force_login(admin_b)
    assert act(client, "redeliver", sub_a).status_code == 302  # no confirmation page for what it cannot see
    for action in ["pause", "resume", "delete_selected"]:
        act(client, action, sub_a, post="yes")
    act(client, "redeliver", sub_a, post="yes", start="beginning")
    client.post(f"{CHANGELIST}{sub_a.pk}/delete/", {"post": "yes"})
    assert reload(sub_a).state == SubscriptionState.ACTIVE
    assert (reload(sub_a).cursor, reload(sub_a).epoch) == (sub_a.cursor, 0)


def test_plain_staff_cannot_act_on_subscriptions(client, plain_staff, sub_a):
    client.force_login(plain_staff)
    assert act(client, "pause", sub_a).status_code == 403
    assert (
        client.post(f"{CHANGELIST}{sub_a.pk}/redeliver/", {"post": "yes", "start": "beginning"}).status_code
        == 403
    )
    assert client.post(f"{CHANGELIST}{sub_a.pk}/delete/", {"post": "yes"}).status_code == 403
    assert reload(sub_a).state == SubscriptionState.ACTIVE


def test_deleting_one_subscription_goes_through_the_service(client, admin_a, sub_a):
    client.force_login(admin_a)
    assert client.get(f"{CHANGELIST}{sub_a.pk}/delete/").status_code == 200
    assert client.post(f"{CHANGELIST}{sub_a.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not WebhookSubscription.objects.filter(pk=sub_a.pk).exists()


def test_deleting_selected_subscriptions_goes_through_the_service(client, superuser, sub_a, sub_b):
    client.force_login(superuser)
    assert act(client, "delete_selected", sub_a, sub_b, post="yes").status_code == 302
    assert not WebhookSubscription.objects.exists()


# Redelivery


def local(moment) -> str:
    """A moment as the form's date-and-time field takes it (local time)."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M:%S.%f")


def test_redeliver_asks_where_from_before_changing_anything(client, admin_a, sub_a, records_a):
    client.force_login(admin_a)
    response = act(client, "redeliver", sub_a)
    assert response.status_code == 200
    assert response.templates[0].name == "admin/spine/webhooksubscription/redeliver.html"
    choices = [value for value, _ in response.context["form"].fields["start"].choices]
    assert choices == ["moment", "beginning"]  # no outage to start from
    assert f"{waiting(records_a, after=sub_a.cursor)} events waiting" in response.content.decode()
    assert (reload(sub_a).cursor, reload(sub_a).epoch) == (sub_a.cursor, 0)


def test_the_outage_is_offered_only_when_every_chosen_subscription_is_failing(
    client, superuser, sub_a, sub_b
):
    as_the_worker_left_it(sub_a, state=SubscriptionState.FAILING, failing_since=timezone.now())
    client.force_login(superuser)
    assert "outage" in act(client, "redeliver", sub_a).context["form"].fields["start"].choices[0]
    assert "outage" not in dict(
        act(client, "redeliver", sub_a, sub_b).context["form"].fields["start"].choices
    )


def test_redeliver_from_the_very_beginning_moves_the_cursor_to_zero(client, admin_a, sub_a, records_a):
    sub_a = as_the_worker_left_it(sub_a, cursor=last_position(records_a), failed_attempts=4)
    client.force_login(admin_a)
    response = act(client, "redeliver", sub_a, post="yes", start="beginning")
    assert response.status_code == 302
    redelivered = reload(sub_a)
    assert (redelivered.cursor, redelivered.epoch, redelivered.failed_attempts) == (0, 1, 0)
    messages = [str(message) for message in response.wsgi_request._messages]
    assert messages == [f"{sub_a}: sending every event after position 0 again."]
    assert shown(client.get(CHANGELIST)) == {sub_a.url: waiting(records_a, after=0)}


def test_redeliver_from_a_date_and_time_sends_what_committed_after_it(client, admin_a, sub_a, location_a):
    before = make_records(location_a, 1)
    time.sleep(0.01)
    moment = timezone.now()
    time.sleep(0.01)
    after = make_records(location_a, 2)
    sub_a = as_the_worker_left_it(sub_a, cursor=last_position(after))
    client.force_login(admin_a)

    act(client, "redeliver", sub_a, post="yes", start="moment", moment=local(moment))
    assert reload(sub_a).cursor == last_position(before)
    assert shown(client.get(CHANGELIST)) == {sub_a.url: waiting(after, after=last_position(before))}


def test_redeliver_since_the_outage_began_sends_what_committed_after_its_start(
    client, admin_a, sub_a, location_a
):
    before = make_records(location_a, 1)
    time.sleep(0.01)
    outage_began = timezone.now()
    time.sleep(0.01)
    during = make_records(location_a, 1)
    sub_a = as_the_worker_left_it(
        sub_a, cursor=last_position(during), state=SubscriptionState.FAILING, failing_since=outage_began
    )
    client.force_login(admin_a)

    act(client, "redeliver", sub_a, post="yes", start="outage")
    assert reload(sub_a).cursor == last_position(before)
    assert reload(sub_a).epoch == 1


def test_redeliver_never_skips_events_still_waiting(client, admin_a, sub_a, location_a):
    waiting_since = make_records(location_a, 1)
    time.sleep(0.01)
    later = timezone.now()
    make_records(location_a, 1)
    client.force_login(admin_a)

    act(client, "redeliver", sub_a, post="yes", start="moment", moment=local(later))
    assert reload(sub_a).cursor == sub_a.cursor < last_position(waiting_since)
    assert reload(sub_a).epoch == 1


def test_redeliver_from_a_date_needs_a_date_in_the_past(client, admin_a, sub_a):
    client.force_login(admin_a)
    missing = act(client, "redeliver", sub_a, post="yes", start="moment")
    assert missing.status_code == 200 and "moment" in missing.context["form"].errors
    future = act(
        client,
        "redeliver",
        sub_a,
        post="yes",
        start="moment",
        moment=local(timezone.now() + timedelta(days=1)),
    )
    assert future.status_code == 200 and "moment" in future.context["form"].errors
    outage = act(client, "redeliver", sub_a, post="yes", start="outage")  # not failing: not offered
    assert outage.status_code == 200 and "start" in outage.context["form"].errors
    assert reload(sub_a).epoch == 0


def test_redeliver_from_the_change_page(client, admin_a, sub_a, records_a):
    url = f"{CHANGELIST}{sub_a.pk}/redeliver/"
    client.force_login(admin_a)
    assert url in client.get(change_page(sub_a)).content.decode()
    assert client.get(url).status_code == 200
    response = client.post(url, {"post": "yes", "start": "beginning"})
    assert response.status_code == 302 and response.url == change_page(sub_a)
    assert (reload(sub_a).cursor, reload(sub_a).epoch) == (0, 1)
