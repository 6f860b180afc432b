"""Which database a read goes to (maternity/database/replicas.py): the replica only for a lag-tolerant GET,
by a caller who has not just written, of a model that is not primary-only, outside any transaction; every
write to the primary; a caller who wrote pinned to the primary for DATABASE_PRIMARY_PIN_SECONDS.

The decisions are asked of the router inside a request run through the middleware, as Django's handler
runs it (`process_view`, then the view); no replica is needed for that. Then through the whole stack (the
record API, the event feed, the caseload and reports pages) with a "replica" alias that runs its queries on
the test database's own connection: which alias each query was sent to. A real replica, lagging, is the
cluster tests' (dbcluster/)."""

import re
import time
from datetime import date

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from oauth2_provider.models import AccessToken, Application

from maternity import services
from maternity.actors import Actor
from maternity.database.compiled_queries import readable
from maternity.database.replicas import (
    PIN_KEY,
    ReplicaRouter,
    ReplicaRoutingMiddleware,
    is_lag_tolerant,
    lag_tolerant,
    read_primary_from_now,
)
from maternity.models import (
    AccessLog,
    CareLocation,
    FeedEntry,
    Mother,
    Practitioner,
    Pregnancy,
    RecordDocument,
    RecordEvent,
    UserType,
)
from maternity.rules.identifiers import parse_national_id
from maternity.rules.pregnancy_keys import PregnancyKeys
from spine.models import SpineClient

RECORD_MODELS = [Pregnancy, RecordDocument, Mother, RecordEvent, FeedEntry, Pregnancy.history.model]
PRIMARY_ONLY_MODELS = [
    AccessToken,
    Application,
    Session,
    User,
    Group,
    ContentType,
    SpineClient,
    Practitioner,
    CareLocation,
]

router = ReplicaRouter()


def caller(pk: int = 41) -> User:
    return User(pk=pk, username=f"caller-{pk}")  # authenticated; never saved: these tests need no database


def request(method: str = "GET", user: User | None = None):
    made = getattr(RequestFactory(), method.lower())("/somewhere")
    made.user = user or caller()
    return made


def answer(made, during=lambda: None, *, tolerant: bool = True) -> dict:
    """Answer `made` through the middleware with a view (lag-tolerant or not) that calls `during()` and
    then asks the router where each model's read goes. Returns {model: alias}."""
    seen = {}

    def view(request):
        during()
        seen.update({model: router.db_for_read(model) for model in RECORD_MODELS + PRIMARY_ONLY_MODELS})
        return HttpResponse()

    view = lag_tolerant(view) if tolerant else view

    def handler(request):  # as Django's: the view middleware, then the view
        middleware.process_view(request, view, (), {})
        return view(request)

    middleware = ReplicaRoutingMiddleware(handler)
    middleware(made)
    return seen


def record_reads(seen: dict) -> set[str]:
    return {seen[model] for model in RECORD_MODELS}


def pinned(user: User) -> bool:
    return cache.get(PIN_KEY.format(user.pk)) is not None


def test_a_lag_tolerant_get_by_an_unpinned_caller_reads_the_record_from_the_replica():
    assert record_reads(answer(request("GET"))) == {"replica"}


def test_head_and_options_are_safe_too():
    assert record_reads(answer(request("HEAD"))) == {"replica"}
    assert record_reads(answer(request("OPTIONS"))) == {"replica"}


def test_tokens_sessions_users_clients_practitioners_and_locations_are_always_read_from_the_primary():
    seen = answer(request("GET"))
    assert {model: seen[model] for model in PRIMARY_ONLY_MODELS} == dict.fromkeys(
        PRIMARY_ONLY_MODELS, "default"
    )


def test_a_get_in_a_view_not_marked_lag_tolerant_reads_the_primary():
    assert record_reads(answer(request("GET"), tolerant=False)) == {"default"}


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_unsafe_methods_never_read_from_the_replica_even_in_a_lag_tolerant_view(method):
    assert record_reads(answer(request(method))) == {"default"}


def test_outside_a_request_every_read_goes_to_the_primary():
    assert {router.db_for_read(model) for model in RECORD_MODELS} == {"default"}
    assert router.db_for_write(Pregnancy) == "default"


@pytest.mark.django_db(transaction=True)  # no test transaction around it: the view opens its own
def test_a_read_inside_a_transaction_reads_the_primary():
    inside = {}

    def in_a_transaction():
        with transaction.atomic():
            inside["alias"] = router.db_for_read(Pregnancy)

    seen = answer(request("GET"), in_a_transaction)

    assert inside["alias"] == "default"
    assert seen[Pregnancy] == "replica"  # after the transaction


def test_after_the_request_writes_a_record_model_it_reads_the_primary_and_its_caller_is_pinned():
    user = caller()

    seen = answer(request("GET", user), lambda: router.db_for_write(Pregnancy))

    assert record_reads(seen) == {"default"}
    assert pinned(user)


def test_the_audit_entry_is_not_a_write_that_sends_reads_to_the_primary_or_pins():
    user = caller()

    seen = answer(request("GET", user), lambda: router.db_for_write(AccessLog))

    assert record_reads(seen) == {"replica"}
    assert not pinned(user)


def test_writes_and_migrations_go_to_the_primary_only():
    assert {router.db_for_write(model) for model in RECORD_MODELS + PRIMARY_ONLY_MODELS} == {"default"}
    assert router.allow_migrate("default", "maternity") and not router.allow_migrate("replica", "maternity")


def test_a_service_may_ask_for_the_primary_for_the_rest_of_the_request():
    user = caller()

    seen = answer(request("GET", user), read_primary_from_now)

    assert record_reads(seen) == {"default"}
    assert pinned(user)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_caller_who_sent_an_unsafe_request_is_pinned_and_reads_the_primary_next(method):
    user = caller()
    answer(request(method, user), lambda: None, tolerant=False)

    assert pinned(user)
    assert record_reads(answer(request("GET", user))) == {"default"}


def test_a_refused_write_pins_its_caller_too():
    user, refused = caller(), HttpResponse(status=409)
    middleware = ReplicaRoutingMiddleware(lambda request: refused)

    assert middleware(request("PUT", user)) is refused
    assert pinned(user)


def test_another_caller_is_not_pinned_by_someone_elses_write():
    writer, reader = caller(41), caller(42)
    answer(request("POST", writer))

    assert record_reads(answer(request("GET", reader))) == {"replica"}
    assert not pinned(reader)


def test_an_anonymous_request_pins_nobody():
    from django.contrib.auth.models import AnonymousUser

    made = request("POST")
    made.user = AnonymousUser()
    answer(made)
    assert cache.get(PIN_KEY.format(None)) is None


def test_the_pin_lasts_database_primary_pin_seconds(settings):
    settings.DATABASE_PRIMARY_PIN_SECONDS = 1
    user = caller()
    answer(request("POST", user))
    assert record_reads(answer(request("GET", user))) == {"default"}

    time.sleep(1.1)

    assert not pinned(user)
    assert record_reads(answer(request("GET", user))) == {"replica"}


class CountingCache:
    """The test's cache, counting the reads of a pin."""

    def __init__(self):
        self.gets = 0

    def get(self, key, default=None):
        self.gets += 1
        return cache.get(key, default)


def test_a_request_looks_its_callers_pin_up_once(monkeypatch):
    counting = CountingCache()
    monkeypatch.setattr("maternity.database.replicas.cache", counting)

    def read_often():
        for _ in range(5):
            router.db_for_read(Pregnancy)

    answer(request("GET"), read_often)

    assert counting.gets == 1


def test_a_request_that_can_only_read_the_primary_does_not_look_the_pin_up(monkeypatch):
    counting = CountingCache()
    monkeypatch.setattr("maternity.database.replicas.cache", counting)

    answer(request("GET"), tolerant=False)
    answer(request("PUT"))

    assert counting.gets == 0


def test_when_the_pin_cannot_be_read_the_primary_is_read(settings):
    settings.CACHES = {  # a Redis that is not there: nothing listens on port 1
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    assert record_reads(answer(request("GET"))) == {"default"}


@pytest.mark.django_db
def test_a_grant_by_the_pregnancy_keys_sends_the_rest_of_the_request_to_the_primary_also_when_made_already(
    midwife_actor, location_b, nin
):
    edd = date(2027, 3, 1)
    record = services.record_create(
        national_id=parse_national_id(nin),
        actor=midwife_actor,
        resources={"currentPregnancy": {"due_date_corrected_date": edd}},
    )
    other_location = Actor(
        user_type=UserType.HEALTH_CARE_PROFESSIONAL, care_location=location_b, name="Siri Jordmor"
    )
    keys = PregnancyKeys(parse_national_id(nin), date(1994, 5, 17), edd)
    assert services.record_access_by_keys(record_id=record.pk, keys=keys, actor=other_location)  # granted
    user = caller()

    answer(
        request("GET", user),
        lambda: services.record_access_by_keys(record_id=record.pk, keys=keys, actor=other_location),
    )

    assert pinned(user)


# --- Which views are lag-tolerant -------------------------------------------------------------------------

LAG_TOLERANT = [
    "/api/maternity-record/v1/status",
    "/api/maternity-record/v1/history",
    "/api/maternity-record/v1/history/0b6f4b0e-5a56-4d59-9a8c-2b1e7f0f4a11",
    "/api/maternity-record/v1/record/0b6f4b0e-5a56-4d59-9a8c-2b1e7f0f4a11",
    "/api/maternity-record/v1/record/0b6f4b0e-5a56-4d59-9a8c-2b1e7f0f4a11/",  # the slash twin
    "/spine/v1/records",
    "/spine/v1/events",
    "/spine/v1/events/",
    "/",
    "/reports/",
    "/reports/data-quality/",
]
NOT_LAG_TOLERANT = [
    "/api/maternity-record/v1/record",
    "/api/maternity-record/v1/record/0b6f4b0e-5a56-4d59-9a8c-2b1e7f0f4a11/mother",
    "/api/maternity-record/v1/record/0b6f4b0e-5a56-4d59-9a8c-2b1e7f0f4a11/updateStatus",
    "/spine/v1/subscriptions",
    "/spine/v1/records/0b6f4b0e-5a56-4d59-9a8c-2b1e7f0f4a11/delivery",
    "/o/token/",
]


def test_the_record_reads_the_event_feed_the_caseload_and_the_reports_are_lag_tolerant():
    assert [path for path in LAG_TOLERANT if not is_lag_tolerant(resolve(path).func)] == []


def test_the_writes_and_the_token_endpoint_are_not():
    assert [path for path in NOT_LAG_TOLERANT if is_lag_tolerant(resolve(path).func)] == []


# --- Who the caller is, through the whole stack ----------------------------------------------------------


@pytest.fixture
def routing_middleware(settings):
    """The middleware where config/settings.py puts it when DATABASE_REPLICA_URL is set (pins only: the
    suite has no replica, and its test transaction sends every read to the primary anyway)."""
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(2, "maternity.database.replicas.ReplicaRoutingMiddleware")
    settings.MIDDLEWARE = middleware


def test_a_client_systems_write_pins_its_service_user_as_drf_authenticated_it(
    routing_middleware, api, client_a
):
    response = api.post("record", {})

    assert response.status_code == 201, response.content
    assert pinned(client_a.client.service_user)


def test_a_client_systems_refused_write_pins_it_too(routing_middleware, api, client_a):
    response = api.post("record/0b6f4b0e-5a56-4d59-9a8c-2b1e7f0f4a11/updateStatus", {"version": 1})

    assert response.status_code >= 400
    assert pinned(client_a.client.service_user)


def test_a_client_systems_read_does_not_pin_it(routing_middleware, api, client_a):
    assert api.get("status").status_code == 200
    assert not pinned(client_a.client.service_user)


# --- Through the whole stack, with the test database as its own replica ----------------------------------


@pytest.fixture
def replica(settings, transactional_db):
    """A "replica" alias whose queries run on the default alias's own database connection, with the router and
    middleware installed as config/settings.py installs them. No lag and no second server: what these tests
    see is which alias each query was sent to. transactional_db: no test transaction, which would send every
    read to the primary. Statements are not prepared (as behind PgBouncer): the two aliases share one
    server connection, and each keeps its own list of what it prepared there."""
    primary = connections["default"]
    primary.ensure_connection()
    connections.settings["replica"] = dict(primary.settings_dict)
    replica = connections["replica"]
    replica.connection, replica.autocommit = primary.connection, True
    settings.DATABASE_ROUTERS = ["maternity.database.replicas.ReplicaRouter"]
    settings.DATABASE_PREPARED_STATEMENTS = False
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(2, "maternity.database.replicas.ReplicaRoutingMiddleware")
    settings.MIDDLEWARE = middleware
    yield replica
    replica.connection = None  # the primary's: not closed here
    del connections["replica"]
    del connections.settings["replica"]


def tables(queries) -> list[str]:
    """Each captured query by the table it reads FROM or writes INTO (or its text)."""
    sql = [readable(entry["sql"]) for entry in queries]  # a prepared statement's EXECUTE: its SQL
    found = [re.search(r'(?:FROM|INTO) "?(\w+)', text) for text in sql]
    return [match.group(1) if match else text for match, text in zip(found, sql, strict=True)]


def test_a_record_read_through_the_api_reads_the_replica_but_the_token_and_the_audit_entry_the_primary(
    replica, api, client_a
):
    created = api.post("record", {})
    assert created.status_code == 201, created.content
    cache.delete(PIN_KEY.format(client_a.client.service_user.pk))  # as after DATABASE_PRIMARY_PIN_SECONDS

    with CaptureQueriesContext(connection) as on_primary, CaptureQueriesContext(replica) as on_replica:
        response = api.get(f"record/{created.json()['metadata']['recordId']}")

    assert response.status_code == 200, response.content
    assert "maternity_pregnancy" in tables(on_replica)  # the record, its visibility and its document
    assert tables(on_primary) == ["oauth2_provider_accesstoken", "maternity_accesslog"]  # and nothing else


def test_right_after_a_write_the_same_callers_read_goes_to_the_primary(replica, api):
    created = api.post("record", {})
    assert created.status_code == 201, created.content

    with CaptureQueriesContext(replica) as on_replica:
        response = api.get(f"record/{created.json()['metadata']['recordId']}")

    assert response.status_code == 200, response.content
    assert list(on_replica) == []


def test_the_event_feed_reads_its_high_water_mark_and_its_events_on_the_replica(replica, api, client_a):
    created = api.post("record", {})
    assert created.status_code == 201, created.content
    cache.delete(PIN_KEY.format(client_a.client.service_user.pk))

    with CaptureQueriesContext(connection) as on_primary, CaptureQueriesContext(replica) as on_replica:
        response = api.client.get("/spine/v1/events", headers=api.headers())

    assert response.status_code == 200, response.content
    assert [event["action"] for event in response.json()["events"]] != []
    mark = "maternity_event_position_counter" if connection.vendor == "postgresql" else "sqlite_sequence"
    assert tables(on_replica) == [mark, "maternity_recordevent"]  # the high-water mark, then the events
    assert tables(on_primary) == ["oauth2_provider_accesstoken", "maternity_accesslog"]


@pytest.mark.parametrize("page", ["/", "/reports/", "/reports/data-quality/"])
def test_the_caseload_and_reports_read_the_replica_but_who_she_is_and_where_she_acts_the_primary(
    replica, location_a, midwife_actor, nin, page
):
    services.record_create(national_id=parse_national_id(nin), actor=midwife_actor)
    user = services.practitioner_create(
        username="kari", display_name="Kari Jordmor", care_locations=[location_a], hpr_nr="9144889"
    )
    browser = Client()
    browser.force_login(user)

    with CaptureQueriesContext(connection) as on_primary, CaptureQueriesContext(replica) as on_replica:
        response = browser.get(page)

    assert response.status_code == 200
    assert any('"maternity_pregnancy"' in entry["sql"] for entry in on_replica)  # the page's own reads
    read_on_primary = [entry for entry in on_primary if entry["sql"].startswith("SELECT")]
    assert set(tables(read_on_primary)) == {
        "django_session",
        "auth_user",
        "maternity_practitioner",
        "maternity_carelocation",
    }
    assert "maternity_accesslog" in tables(on_primary)  # its audit entry, written there


def test_a_get_that_makes_its_caller_a_stakeholder_by_the_keys_reads_the_record_again_on_the_primary(
    replica, midwife_actor, nin, stranger_api, client_b
):
    edd = date(2027, 3, 1)
    record = services.record_create(
        national_id=parse_national_id(nin),
        actor=midwife_actor,
        resources={"currentPregnancy": {"due_date_corrected_date": edd}},
    )

    with CaptureQueriesContext(connection) as on_primary, CaptureQueriesContext(replica) as on_replica:
        response = stranger_api.get(
            f"record/{record.pk}", X_Patient_Birth_Date="1994-05-17", X_Pregnancy_EDD=str(edd)
        )

    assert response.status_code == 200, response.content
    assert "maternity_pregnancy" in tables(on_replica)  # not found there: not a stakeholder yet
    on_primary = tables(on_primary)
    granted = on_primary.index("maternity_pregnancygrouppermission")
    assert "maternity_pregnancy" in on_primary[granted:]  # found again, on the primary, after the grant
    assert pinned(client_b.client.service_user)
