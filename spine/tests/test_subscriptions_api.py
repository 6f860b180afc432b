"""/spine/v1/subscriptions: a client system registers webhook receivers and manages only its own.

The owner is client A; client B is another Care Location's system; a midwife signed in to the app (at
client A's own location) and an anonymous caller may not manage webhooks at all. Every request leaves
exactly one SUBSCRIPTION audit entry; a refused request changes nothing."""

import json
import time
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import fetch_token, new_nin
from maternity import services
from maternity.database.event_positions import committed_through
from maternity.errors import Invalid
from maternity.models import AccessAction, AccessLog, AccessOutcome
from maternity.rules.identifiers import parse_national_id
from maternity.signin.locations import SESSION_KEY
from spine.event_cursors import cursor_for, position_from
from spine.models import SubscriptionState, WebhookSubscription
from spine.services.subscriptions import subscription_create
from spine.webhooks.signing_keys import unseal

pytestmark = pytest.mark.django_db

BASE = "/spine/v1/subscriptions"
RECEIVER = "https://127.0.0.1:8443/hooks"  # an IP literal: no DNS needed (private networks allowed in tests)
NOT_FOUND = "No webhook subscription with that id."
FIELDS = {
    "id",
    "url",
    "description",
    "state",
    "createdAt",
    "cursor",
    "lastAttemptAt",
    "lastSuccessAt",
    "lastError",
    "failingSince",
    "nextAttemptAt",
    "failedAttempts",
    "deliveredEvents",
}


class SubscriptionsApi:
    def __init__(self, token: str | None = None, client: Client | None = None):
        self.client = client or Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str = ""):
        return self.client.get(f"{BASE}{path}", headers=self.headers)

    def delete(self, path: str):
        return self.client.delete(f"{BASE}{path}", headers=self.headers)

    def post(
        self, path: str = "", body=None, raw: str | bytes | None = None, content_type="application/json"
    ):
        data = raw if raw is not None else ("" if body is None else json.dumps(body))
        return self.client.post(f"{BASE}{path}", data=data, content_type=content_type, headers=self.headers)


@pytest.fixture
def owner(client_a) -> SubscriptionsApi:
    return SubscriptionsApi(fetch_token(client_a.client_id, client_a.client_secret))


@pytest.fixture
def other_client(client_b) -> SubscriptionsApi:
    return SubscriptionsApi(fetch_token(client_b.client_id, client_b.client_secret))


@pytest.fixture
def professional(location_a) -> SubscriptionsApi:
    """A midwife signed in to the app, acting for client A's own Care Location."""
    midwife = services.practitioner_create(
        username="kari", display_name="Kari Jordmor", care_locations=[location_a], hpr_nr="9144889"
    )
    browser = Client()
    browser.force_login(midwife)
    session = browser.session
    session[SESSION_KEY] = location_a.pk
    session.save()
    return SubscriptionsApi(client=browser)


@pytest.fixture
def anonymous(db) -> SubscriptionsApi:
    return SubscriptionsApi()


@pytest.fixture
def callers(owner, other_client, professional, anonymous) -> dict[str, SubscriptionsApi]:
    return {
        "owner": owner,
        "other_client": other_client,
        "professional": professional,
        "anonymous": anonymous,
    }


@pytest.fixture
def subscription(client_a) -> WebhookSubscription:
    """Client A's subscription, made through the service."""
    return subscription_create(client=client_a.client, url=RECEIVER, description="EPJ inbox").subscription


def snapshot() -> list[dict]:
    """Every subscription, every field: equal before and after a refused request."""
    return list(WebhookSubscription.objects.order_by("pk").values())


def audit_entries() -> list[AccessLog]:
    return list(AccessLog.objects.order_by("id"))


def error(response) -> tuple:
    body = response.json()
    return response.status_code, body["errorCode"], body.get("field")


# --- Who may do what ------------------------------------------------------------------------------------

ENDPOINTS = {
    "list": ("get", "", None),
    "create": ("post", "", {"url": RECEIVER}),
    "read": ("get", "/{id}", None),
    "delete": ("delete", "/{id}", None),
    "pause": ("post", "/{id}/pause", None),
    "resume": ("post", "/{id}/resume", None),
    "redeliver": ("post", "/{id}/redeliver", {"start": "beginning"}),
}
EXPECTED = {
    "owner": {
        "list": 200,
        "create": 201,
        "read": 200,
        "delete": 204,
        "pause": 200,
        "resume": 200,
        "redeliver": 200,
    },  # fmt: skip
    # Its own list, and its own new subscription; client A's subscription does not exist for it.
    "other_client": {
        "list": 200,
        "create": 201,
        "read": 404,
        "delete": 404,
        "pause": 404,
        "resume": 404,
        "redeliver": 404,
    },  # fmt: skip
    "professional": dict.fromkeys(ENDPOINTS, 403),
    "anonymous": dict.fromkeys(ENDPOINTS, 401),
}


@pytest.mark.parametrize("caller", list(EXPECTED))
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_each_caller_gets_its_answer_at_every_endpoint_with_one_audit_entry(
    callers, subscription, client_a, client_b, caller, endpoint
):
    method, path, body = ENDPOINTS[endpoint]
    api = callers[caller]
    before, logged_before = snapshot(), AccessLog.objects.count()
    path = path.format(id=subscription.pk)
    response = api.post(path, body) if method == "post" else getattr(api, method)(path)

    expected = EXPECTED[caller][endpoint]
    assert response.status_code == expected, response.content
    entries = audit_entries()[logged_before:]
    assert [(e.action, e.status_code) for e in entries] == [(AccessAction.SUBSCRIPTION, expected)]
    entry = entries[0]
    assert (entry.outcome == AccessOutcome.ALLOWED) == (expected < 400)
    if caller in ("owner", "other_client"):
        assert entry.client_id == {"owner": client_a, "other_client": client_b}[caller].client_id
    if expected >= 400:
        assert snapshot() == before
        assert response.json()["errorCode"] == {401: "DHG-0005", 403: "DHG-0010", 404: "DHG-0007"}[expected]
    if expected == 404:
        assert response.json()["errorMessage"] == NOT_FOUND
    if caller == "other_client" and endpoint == "list":
        assert response.json() == {"subscriptions": []}


# --- Create -----------------------------------------------------------------------------------------------


def test_a_client_registers_a_receiver_and_gets_its_signing_secret_once(owner, client_a):
    response = owner.post(body={"url": RECEIVER, "description": "Birth ward EPJ"})
    assert response.status_code == 201
    body = response.json()
    assert set(body) == FIELDS | {"secret"}
    subscription = WebhookSubscription.objects.get()
    assert response.headers["Location"] == f"{BASE}/{subscription.pk}"
    assert body["id"] == str(subscription.pk)
    assert (body["url"], body["description"], body["state"]) == (RECEIVER, "Birth ward EPJ", "ACTIVE")
    assert subscription.client == client_a.client

    secret = body["secret"]
    assert secret.startswith("whsec_")
    assert unseal(subscription.sealed_secret) == secret
    assert secret not in subscription.sealed_secret

    for later in (owner.get(), owner.get(f"/{subscription.pk}"), owner.post(f"/{subscription.pk}/pause")):
        assert later.status_code == 200
        assert "secret" not in later.content.decode().lower()
        assert secret not in later.content.decode()
    assert not any(secret in entry.detail for entry in AccessLog.objects.all())


def test_the_audit_entry_names_the_receiver_host_but_not_its_path_or_query(owner):
    response = owner.post(body={"url": "https://127.0.0.1:8443/hooks/inbox?token=receiver-secret"})
    detail = AccessLog.objects.get().detail
    assert response.json()["id"] in detail
    assert "https://127.0.0.1:8443" in detail
    assert "receiver-secret" not in detail and "inbox" not in detail


def test_a_new_subscription_has_no_delivery_history_yet(owner):
    body = owner.post(body={"url": RECEIVER}).json()
    assert body["description"] == ""
    assert body["createdAt"].endswith("Z")
    assert (body["lastAttemptAt"], body["lastSuccessAt"], body["lastError"], body["failingSince"]) == (
        None,
        None,
        None,
        None,
    )
    assert (body["failedAttempts"], body["deliveredEvents"]) == (0, 0)
    assert body["nextAttemptAt"].endswith("Z")


def test_a_new_subscription_starts_from_now_by_default(owner, client_a, record):
    body = owner.post(body={"url": RECEIVER}).json()
    now = committed_through()
    assert WebhookSubscription.objects.get().cursor == now
    assert position_from(client_a.client, body["cursor"]) == now


def test_start_now_is_the_default_said_out_loud(owner, record):
    owner.post(body={"url": RECEIVER, "start": "now"})
    assert WebhookSubscription.objects.get().cursor == committed_through()


def test_start_beginning_delivers_every_event_the_client_may_see(owner, record):
    assert owner.post(body={"url": RECEIVER, "start": "beginning"}).status_code == 201
    assert WebhookSubscription.objects.get().cursor == 0


def test_after_a_feed_cursor_delivers_the_events_after_it(owner, client_a):
    response = owner.post(body={"url": RECEIVER, "after": cursor_for(client_a.client, 7)})
    assert response.status_code == 201
    assert WebhookSubscription.objects.get().cursor == 7
    assert position_from(client_a.client, response.json()["cursor"]) == 7


def test_a_cursor_from_the_event_feed_is_accepted(owner, client_a):
    token = owner.headers["Authorization"]
    feed = Client().get("/spine/v1/events", headers={"Authorization": token})
    assert feed.status_code == 200
    assert owner.post(body={"url": RECEIVER, "after": feed.json()["next"]}).status_code == 201


def test_an_http_url_is_accepted_when_allowed(owner, settings):
    settings.WEBHOOK_ALLOW_HTTP = True
    assert owner.post(body={"url": "http://127.0.0.1:8000/hooks"}).status_code == 201


@pytest.mark.parametrize(
    "allow_http, allowed", [(True, "an https:// or http:// address"), (False, "an https:// address")]
)
def test_a_refused_scheme_is_answered_with_the_schemes_this_server_accepts(
    owner, settings, allow_http, allowed
):
    settings.WEBHOOK_ALLOW_HTTP = allow_http

    response = owner.post(body={"url": "ftp://127.0.0.1/hooks"})

    assert error(response) == (400, "DHG-0012", "url")
    assert response.json()["errorMessage"] == f"url must be {allowed}."


def test_a_client_may_have_subscriptions_up_to_the_limit_and_no_more(owner, other_client, settings):
    settings.WEBHOOK_MAX_PER_CLIENT = 2
    assert other_client.post(body={"url": RECEIVER}).status_code == 201  # other clients do not count
    assert owner.post(body={"url": RECEIVER}).status_code == 201
    assert owner.post(body={"url": RECEIVER}).status_code == 201
    before = snapshot()
    response = owner.post(body={"url": RECEIVER})
    assert error(response) == (403, "DHG-0010", None)
    assert "at most 2" in response.json()["errorMessage"]
    assert snapshot() == before
    entry = AccessLog.objects.order_by("-id").first()
    assert (entry.action, entry.outcome) == (AccessAction.SUBSCRIPTION, AccessOutcome.DENIED)


LONG_URL = "https://127.0.0.1/" + "a" * 2000


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "url"),
        ({"url": None}, "url"),
        ({"url": 42}, "url"),
        ({"url": ["https://127.0.0.1/"]}, "url"),
        ({"url": ""}, "url"),
        ({"url": "not a url"}, "url"),
        ({"url": "ftp://127.0.0.1/hooks"}, "url"),
        ({"url": "https://kari:secret@127.0.0.1/hooks"}, "url"),
        ({"url": "https://127.0.0.1/hooks#top"}, "url"),
        ({"url": "https://no-such-host.invalid/hooks"}, "url"),
        ({"url": LONG_URL}, "url"),
        ({"url": RECEIVER, "description": 5}, "description"),
        ({"url": RECEIVER, "description": None}, "description"),
        ({"url": RECEIVER, "description": "x" * 201}, "description"),
        ({"url": RECEIVER, "secret": "whsec_mine"}, "secret"),
        ({"url": RECEIVER, "state": "PAUSED"}, "state"),
        ({"url": RECEIVER, "colour": "red"}, "colour"),
        ({"url": RECEIVER, "after": 5}, "after"),
        ({"url": RECEIVER, "after": "not-a-cursor"}, "after"),
        ({"url": RECEIVER, "after": ""}, "after"),
        ({"url": RECEIVER, "start": "later"}, "start"),
        ({"url": RECEIVER, "start": "beginning", "after": "x"}, "after"),
    ],
)
def test_a_bad_registration_is_a_clear_400_naming_the_field_and_creates_nothing(owner, body, field):
    response = owner.post(body=body)
    assert error(response) == (400, "DHG-0012", field), response.content
    assert response.json()["errorMessage"]
    assert WebhookSubscription.objects.count() == 0
    entry = AccessLog.objects.get()
    assert (entry.action, entry.outcome) == (AccessAction.SUBSCRIPTION, AccessOutcome.REJECTED)


def test_after_and_start_together_are_refused(owner, client_a):
    response = owner.post(
        body={"url": RECEIVER, "start": "beginning", "after": cursor_for(client_a.client, 3)}
    )
    assert error(response) == (400, "DHG-0012", "start")
    assert "not both" in response.json()["errorMessage"]
    assert WebhookSubscription.objects.count() == 0


def test_another_clients_cursor_is_refused(owner, client_b):
    response = owner.post(body={"url": RECEIVER, "after": cursor_for(client_b.client, 3)})
    assert error(response) == (400, "DHG-0012", "after")
    assert WebhookSubscription.objects.count() == 0


def test_a_tampered_cursor_is_refused(owner, client_a):
    cursor = cursor_for(client_a.client, 3)
    tampered = cursor_for(client_a.client, 300).split(".")[0] + "." + cursor.split(".")[1]
    assert error(owner.post(body={"url": RECEIVER, "after": tampered})) == (400, "DHG-0012", "after")
    assert WebhookSubscription.objects.count() == 0


def test_an_http_url_is_refused_in_production(owner, settings):
    settings.WEBHOOK_ALLOW_HTTP = False
    response = owner.post(body={"url": "http://127.0.0.1:8000/hooks"})
    assert error(response) == (400, "DHG-0012", "url")
    assert "https://" in response.json()["errorMessage"]
    assert WebhookSubscription.objects.count() == 0


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hooks",
        "https://localhost/hooks",
        "https://10.0.0.8/hooks",
        "https://192.168.1.20/hooks",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hooks",
        "https://[fe80::1]/hooks",
        "https://[fd12:3456::1]/hooks",
    ],
)
def test_a_private_address_is_refused_when_private_networks_are_off(owner, settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    response = owner.post(body={"url": url})
    assert error(response) == (400, "DHG-0012", "url")
    assert "not a public address" in response.json()["errorMessage"]
    assert WebhookSubscription.objects.count() == 0


@pytest.mark.parametrize("raw", ['{"url": ', "url=https://127.0.0.1/", '{"url": NaN}', b"\xff\xfe{}"])
def test_a_body_that_is_not_json_is_refused_with_dhg_0011(owner, raw):
    response = owner.post(raw=raw)
    assert error(response)[:2] == (400, "DHG-0011")
    assert WebhookSubscription.objects.count() == 0
    assert AccessLog.objects.get().action == AccessAction.SUBSCRIPTION


@pytest.mark.parametrize(
    "raw", ["[]", '["https://127.0.0.1/"]', '"https://127.0.0.1/"', "42", "null", "true"]
)
def test_a_body_that_is_not_an_object_is_refused(owner, raw):
    response = owner.post(raw=raw)
    assert error(response)[:2] == (400, "DHG-0012")
    assert "object" in response.json()["errorMessage"].lower()
    assert WebhookSubscription.objects.count() == 0


def test_an_empty_body_asks_for_the_url(owner):
    response = owner.post(raw="")
    assert error(response) == (400, "DHG-0012", "url")


def test_a_body_that_is_not_sent_as_json_is_refused(owner):
    response = owner.post(raw=f"url={RECEIVER}", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert WebhookSubscription.objects.count() == 0


# --- List and read ----------------------------------------------------------------------------------------


def test_a_client_lists_its_own_subscriptions_oldest_first_and_no_others(owner, client_a, client_b):
    first = subscription_create(client=client_a.client, url=RECEIVER).subscription
    subscription_create(client=client_b.client, url=RECEIVER)
    second = subscription_create(client=client_a.client, url="https://127.0.0.1/second").subscription
    response = owner.get()
    assert response.status_code == 200
    listed = response.json()["subscriptions"]
    assert [s["id"] for s in listed] == [str(first.pk), str(second.pk)]
    assert all(set(s) == FIELDS for s in listed)


def test_the_list_costs_the_same_queries_for_one_and_five_subscriptions(owner, client_a):
    subscription_create(client=client_a.client, url=RECEIVER)
    with CaptureQueriesContext(connection) as one:
        assert owner.get().status_code == 200
    for _ in range(4):
        subscription_create(client=client_a.client, url=RECEIVER)
    with CaptureQueriesContext(connection) as five:
        assert len(owner.get().json()["subscriptions"]) == 5
    assert len(one) == len(five)


def test_a_client_reads_its_subscription_with_a_cursor_signed_for_it(owner, client_a, client_b, subscription):
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        cursor=12, delivered_events=12, last_error="HTTP 503", failed_attempts=2
    )
    response = owner.get(f"/{subscription.pk}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == FIELDS
    assert (body["id"], body["url"], body["description"]) == (str(subscription.pk), RECEIVER, "EPJ inbox")
    assert (body["deliveredEvents"], body["lastError"], body["failedAttempts"]) == (12, "HTTP 503", 2)
    assert position_from(client_a.client, body["cursor"]) == 12
    with pytest.raises(Invalid, match="not a cursor"):
        position_from(client_b.client, body["cursor"])


@pytest.mark.parametrize("subscription_id", [str(uuid.uuid4()), "not-a-uuid", "123", "%20"])
def test_an_unknown_or_malformed_id_is_404_like_another_clients(owner, subscription, subscription_id):
    for response in (
        owner.get(f"/{subscription_id}"),
        owner.delete(f"/{subscription_id}"),
        owner.post(f"/{subscription_id}/pause"),
        owner.post(f"/{subscription_id}/redeliver", {"start": "beginning"}),
    ):
        assert error(response) == (404, "DHG-0007", None)
        assert response.json()["errorMessage"] == NOT_FOUND


def test_another_clients_subscription_is_answered_exactly_like_one_that_does_not_exist(
    other_client, subscription
):
    theirs = other_client.get(f"/{subscription.pk}").json()
    missing = other_client.get(f"/{uuid.uuid4()}").json()
    assert {**theirs, "eventId": None} == {**missing, "eventId": None}


# --- Delete, pause, resume --------------------------------------------------------------------------------


def test_the_owner_deletes_its_subscription(owner, subscription):
    response = owner.delete(f"/{subscription.pk}")
    assert response.status_code == 204
    assert response.content == b""
    assert not WebhookSubscription.objects.exists()
    assert error(owner.get(f"/{subscription.pk}")) == (404, "DHG-0007", None)


def test_pause_stops_delivery_and_resume_starts_it_again(owner, subscription):
    paused = owner.post(f"/{subscription.pk}/pause")
    assert paused.status_code == 200
    assert (paused.json()["state"], paused.json()["nextAttemptAt"]) == ("PAUSED", None)
    assert WebhookSubscription.objects.get().state == SubscriptionState.PAUSED

    resumed = owner.post(f"/{subscription.pk}/resume", {})
    assert resumed.status_code == 200
    assert resumed.json()["state"] == "ACTIVE"
    assert resumed.json()["nextAttemptAt"].endswith("Z")
    assert WebhookSubscription.objects.get().state == SubscriptionState.ACTIVE


def test_resume_of_a_failing_subscription_tries_at_once_with_the_delay_reset(owner, subscription):
    later = timezone.now() + timedelta(hours=1)
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        state=SubscriptionState.FAILING,
        failed_attempts=9,
        next_attempt_at=later,
        failing_since=timezone.now(),
    )
    body = owner.post(f"/{subscription.pk}/resume").json()
    assert (body["state"], body["failedAttempts"]) == ("ACTIVE", 0)
    assert WebhookSubscription.objects.get().next_attempt_at < later


@pytest.mark.parametrize("action", ["pause", "resume"])
@pytest.mark.parametrize(
    "raw, code, field",
    [
        ('{"now": true}', "DHG-0012", "now"),
        ("[]", "DHG-0012", None),
        ('{"x": ', "DHG-0011", None),
    ],
)
def test_pause_and_resume_take_no_fields_and_refusing_changes_nothing(
    owner, subscription, action, raw, code, field
):
    before = snapshot()
    response = owner.post(f"/{subscription.pk}/{action}", raw=raw)
    assert error(response) == (400, code, field)
    assert snapshot() == before


# --- Redeliver --------------------------------------------------------------------------------------------


@pytest.fixture
def caught_up(subscription):
    """Client A's subscription, delivered through position 40 in its second epoch."""
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        cursor=40, pending_through=45, epoch=1, failed_attempts=3
    )
    return WebhookSubscription.objects.get(pk=subscription.pk)


def test_redeliver_after_a_cursor_sends_the_later_events_again_with_new_webhook_ids(
    owner, client_a, caught_up, monkeypatch
):
    monkeypatch.setattr("spine.services.subscriptions.committed_through", lambda: 50)
    response = owner.post(f"/{caught_up.pk}/redeliver", {"after": cursor_for(client_a.client, 25)})
    assert response.status_code == 200
    assert position_from(client_a.client, response.json()["cursor"]) == 25
    saved = WebhookSubscription.objects.get()
    assert (saved.cursor, saved.pending_through, saved.epoch, saved.failed_attempts) == (25, None, 2, 0)


def test_redeliver_from_the_beginning_sends_everything_again(owner, caught_up):
    assert owner.post(f"/{caught_up.pk}/redeliver", {"start": "beginning"}).status_code == 200
    assert WebhookSubscription.objects.get().cursor == 0


@pytest.mark.django_db(transaction=True)  # events get their positions and commit times as they commit
def test_redeliver_since_a_time_starts_after_the_last_event_committed_before_it(
    owner, subscription, midwife_actor
):
    services.record_create(national_id=parse_national_id(new_nin()), actor=midwife_actor)
    before_since = committed_through()
    time.sleep(0.01)  # SQLite keeps commit times to the millisecond
    since = timezone.now()
    time.sleep(0.01)
    services.record_create(national_id=parse_national_id(new_nin()), actor=midwife_actor)
    assert committed_through() > before_since
    WebhookSubscription.objects.filter(pk=subscription.pk).update(cursor=committed_through())

    response = owner.post(f"/{subscription.pk}/redeliver", {"since": since.isoformat()})
    assert response.status_code == 200
    assert WebhookSubscription.objects.get().cursor == before_since


def test_redeliver_since_accepts_any_offset_and_a_z(owner, caught_up):
    for since in ("2026-03-01T09:00:00+01:00", "2026-03-01T08:00:00Z", "2026-03-01T08:00:00.250+00:00"):
        assert owner.post(f"/{caught_up.pk}/redeliver", {"since": since}).status_code == 200


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, None),
        ({"start": "now"}, "start"),
        ({"start": "beginning", "since": "2026-03-01T08:00:00Z"}, "start"),
        ({"since": "2026-03-01T08:00:00"}, "since"),
        ({"since": "2026-03-01"}, "since"),
        ({"since": "yesterday"}, "since"),
        ({"since": 1767225600}, "since"),
        ({"since": None}, "since"),
        ({"after": 3}, "after"),
        ({"after": "not-a-cursor"}, "after"),
        ({"from": "beginning"}, "from"),
    ],
)
def test_a_bad_redelivery_is_a_clear_400_and_changes_nothing(owner, caught_up, body, field):
    before = snapshot()
    response = owner.post(f"/{caught_up.pk}/redeliver", body)
    assert error(response) == (400, "DHG-0012", field), response.content
    assert response.json()["errorMessage"]
    assert snapshot() == before


def test_redeliver_with_another_clients_cursor_is_refused(owner, caught_up, client_b):
    before = snapshot()
    response = owner.post(f"/{caught_up.pk}/redeliver", {"after": cursor_for(client_b.client, 1)})
    assert error(response) == (400, "DHG-0012", "after")
    assert snapshot() == before


@pytest.mark.parametrize("raw", ['{"start": ', "[]", '"beginning"'])
def test_a_redelivery_body_that_is_not_a_json_object_changes_nothing(owner, caught_up, raw):
    before = snapshot()
    assert owner.post(f"/{caught_up.pk}/redeliver", raw=raw).status_code == 400
    assert snapshot() == before
