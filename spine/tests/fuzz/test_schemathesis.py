"""The API fuzzed against its own OpenAPI schema with schemathesis: no 500, and every answer (status code,
content type, headers, body) is one the schema documents.

The schema is the app's own (drf-spectacular's generator, as /api/schema/ serves it) and every request goes
in-process to the Django WSGI app, against the test database, as client system A with a real token from
POST /o/token/. So that requests reach the handlers and not only the validation in front of them, a
hypothesis-drawn share of them carry real data: the headers of a patient who has a record, that record's
id, the ids of its list items and of a subscription, the version a PUT must send, and FHIR bodies with
the pregnancy's keys; those realistic bodies are then often broken in one place (a wrong type, a huge
string, an unknown field). The rest stay as schemathesis made them: schema-valid or deliberately invalid.

A second test calls every operation without credentials (or with made-up ones), and two more follow
links as state machines: create a record, write its resources with the ids and versions the answers give,
change its status; register a webhook and manage it.

FUZZ_MAX_EXAMPLES (default 25) bounds the examples per operation and FUZZ_SEED (default 8) fixes them, so
CI runs are reproducible; FUZZ_COVERAGE=1 adds schemathesis' coverage phase (every boundary and missing
value of every parameter, undeclared methods: thousands of requests more). docs/fuzzing.md.
"""

import copy
import json
import os
import socket
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.settings import spectacular_settings
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.errors import Flaky
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.stateful.control import TransitionController

from conftest import a_birth_then_active_again, fetch_token, new_nin
from maternity import services
from maternity.rules.identifiers import parse_national_id
from maternity.rules.resources import LISTS, RESOURCE_TYPES, SINGLETONS
from spine.services.subscriptions import subscription_create
from spine.tests.helpers import bundle, edd_observation, find_all_parameters, find_parameters, patient

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "25"))
SEED = int(os.environ.get("FUZZ_SEED", "8"))
COVERAGE = os.environ.get("FUZZ_COVERAGE") == "1"

API = "/api/maternity-record/v1"
FUZZED = r"^/(api/maternity-record/v1|spine/v1|spine/fhir)/"
NIN = "17859400744"  # a synthetic fødselsnummer with valid check digits: the patient with a record
DOB = date(1994, 5, 17)  # hers, and every new_nin()'s
HEADERS = {
    "nhn-source-system": "Fuzz EPJ 1.0",
    "X-Acting-User-Name": "Kari Jordmor",
    "X-Acting-User-Id": "9144889",
}
# Placeholders the hook puts into generated requests; World.resolve() swaps in this test's real values.
RECORD, ITEM, SUBSCRIPTION = "@record", "@item", "@subscription"
VERSION, NEW_NIN, EDD = "@version", "@nin", "@edd"


def app_schema() -> dict:
    """The OpenAPI schema as the app serves it at /api/schema/ (the same generator, no HTTP needed)."""
    generator = spectacular_settings.DEFAULT_GENERATOR_CLASS()
    return json.loads(OpenApiJsonRenderer().render(generator.get_schema(request=None, public=True)))


# What counts as refusing a request that breaks the schema: schemathesis' list, and 413, the answer to a body
# over the size limit (refused before it is read). A 5xx is not_a_server_error's business.
REFUSALS = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]


def fuzz_config(*, max_examples: int, with_security_parameters: bool) -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
            "generation": {
                "max-examples": max_examples,
                "deterministic": True,  # derandomize: the same requests every run
                "database": "none",  # no example database written
                # Our token is sent explicitly; made-up credentials are the anonymous test's business.
                "with-security-parameters": with_security_parameters,
                # No undeclared query parameters or headers: those are ignored by design (proxies add
                # headers), and a made-up Host is refused by Django before the API sees the request.
                "allow-extra-parameters": False,
            },
            "checks": {
                # Schema-valid requests may rightly be refused (400): national IDs have check digits, cursors
                # are signed, FHIR bodies and code rules go beyond JSON Schema, the acting user's headers are
                # trimmed and decoded. The converse, negative_data_rejection, is on.
                "positive_data_acceptance": {"enabled": False},
                "negative_data_rejection": {"expected-statuses": REFUSALS},
            },
            "phases": {
                "coverage": {"enabled": COVERAGE},
                # Our explicit links only: inferred ones guess wrongly here (and keep POST record from
                # starting scenarios).
                "stateful": {"inference": {"algorithms": []}},
            },
        }
    )


class InTestTransaction:
    """Django's WSGI app, run as the test client runs it: inside the test's transaction. After a request
    Django closes the database connection (close_old_connections), which would end the test's transaction:
    each call switches that off, and the `app` fixture switches it back on after the test. (Switching it
    off once is not enough: Django's test client, used to fetch tokens, switches it on again.)"""

    def __init__(self):
        self.handler = WSGIHandler()

    def __call__(self, environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        return self.handler(environ, start_response)


RAW_SCHEMA = app_schema()
APP = InTestTransaction()

schema = schemathesis.openapi.from_dict(
    RAW_SCHEMA, config=fuzz_config(max_examples=MAX_EXAMPLES, with_security_parameters=False)
)
schema = schema.include(path_regex=FUZZED)
schema.app = APP

# Without credentials every request stops at the same check: a fifth of the examples is plenty.
anonymous_schema = schemathesis.openapi.from_dict(
    RAW_SCHEMA, config=fuzz_config(max_examples=max(5, MAX_EXAMPLES // 5), with_security_parameters=True)
)
anonymous_schema = anonymous_schema.include(path_regex=FUZZED)
anonymous_schema.app = APP


# --- Links for the stateful test: which answer's ids and versions feed which request ---------------------


def with_links(raw: dict) -> dict:
    """The schema plus OpenAPI links: a new record's id feeds its resources, history, status and the whole
    record; a resource's answer feeds its PUT (its version) and a list item's DELETE; a subscription's id
    feeds its reads and state changes; a FHIR create's logical id feeds the FHIR update."""
    raw = copy.deepcopy(raw)
    paths = raw["paths"]
    for operations in paths.values():  # the scenarios send the NHN headers themselves (before_call)
        for operation in operations.values():
            operation["parameters"] = [p for p in operation.get("parameters", []) if p["in"] != "header"]

    def link(source: tuple[str, str, str], target: tuple[str, str], parameters: dict, body=None) -> None:
        path, method, status = source
        definition = {"operationId": paths[target[0]][target[1]]["operationId"], "parameters": parameters}
        if body is not None:
            definition["requestBody"] = body
        name = f"{target[1]} {target[0]}"
        paths[path][method]["responses"][status].setdefault("links", {})[name] = definition

    record, same_record = (
        {"path.record_id": "$response.body#/metadata/recordId"},
        {"path.record_id": "$request.path.record_id"},
    )
    version = {"metadata": {"version": "$response.body#/metadata/version"}}
    created = (f"{API}/record", "post", "201")
    for target in [f"{API}/record/{{record_id}}", f"{API}/history/{{record_id}}"]:
        link(created, (target, "get"), record)
    status_change = f"{API}/record/{{record_id}}/updateStatus"
    link(created, (status_change, "post"), record, {"version": "$response.body#/metadata/version"})
    link((status_change, "post", "200"), (f"{API}/record/{{record_id}}", "get"), same_record)
    for rt in SINGLETONS:
        resource = f"{API}/record/{{record_id}}/{rt.name}"
        link(created, (resource, "post"), record)
        for source in [(resource, "post", "201"), (resource, "put", "200")]:
            link(source, (resource, "put"), same_record, version)
    for rt in LISTS:
        resources, item = (
            f"{API}/record/{{record_id}}/{rt.name}",
            f"{API}/record/{{record_id}}/{rt.name}/{{resource_id}}",
        )
        link(created, (resources, "post"), record)
        this_item = {**same_record, "path.resource_id": "$response.body#/metadata/id"}
        for source in [(resources, "post", "201"), (item, "put", "200")]:
            link(source, (item, "put"), this_item, version)
            link(source, (item, "delete"), this_item)
    subscription = {"path.subscription_id": "$response.body#/id"}
    for target, method in [
        ("", "get"),
        ("", "delete"),
        ("/pause", "post"),
        ("/resume", "post"),
        ("/redeliver", "post"),
    ]:
        link(
            ("/spine/v1/subscriptions", "post", "201"),
            (f"/spine/v1/subscriptions/{{subscription_id}}{target}", method),
            subscription,
        )
    link(
        ("/spine/fhir/Patient/$create-pregnancy", "post", "201"),
        ("/spine/fhir/Patient/{record_id}/$update-pregnancy", "post"),
        {"path.record_id": "$response.header.X-Logical-Id"},
    )
    return raw


stateful_schema = schemathesis.openapi.from_dict(
    with_links(RAW_SCHEMA), config=fuzz_config(max_examples=MAX_EXAMPLES, with_security_parameters=False)
)
stateful_schema.app = APP
# Two machines: scenarios start from an operation whose answer feeds others, and schemathesis prefers
# the ones that look sure to succeed; one machine for both would start every scenario with a webhook.
record_workflows = stateful_schema.include(path_regex=r"^/(api/maternity-record/v1|spine/fhir)/")
webhook_workflows = stateful_schema.include(path_regex=r"^/spine/v1/subscriptions")


# --- Realistic data, drawn by hypothesis ---------------------------------------------------------------


def realistic_body(operation_id: str):
    """A body with real data, or None: FHIR bodies with the keys of the patient's pregnancy (or a new
    person's), a webhook receiver at an IP address (no DNS in tests), a redelivery from the start."""
    return {
        "fhir_find_pregnancy": find_parameters(NIN, DOB, EDD),
        "fhir_find_all_pregnancies": find_all_parameters(NIN, DOB),
        "fhir_create_pregnancy": bundle(patient(NEW_NIN, DOB, name="Ada Fuzz"), edd_observation(EDD)),
        "fhir_update_pregnancy": bundle(patient(NIN, DOB, name="Ada Fuzz"), edd_observation(EDD)),
        "subscriptions_create": {"url": "https://127.0.0.1:8443/hooks", "description": "EPJ inbox"},
        "subscriptions_redeliver": {"start": "beginning"},
    }.get(operation_id)


HOSTILE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.just("x" * 300_000),  # over DJANGO_MAX_BODY_BYTES: 413
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def leaves(value, path=()):
    """The paths of every value in a JSON document, objects and lists included."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, (*path, index))


def replaced(value, path, new):
    if not path:
        return new
    head, *rest = path
    if isinstance(value, dict):
        return {**value, head: replaced(value[head], rest, new)}
    return [replaced(item, rest, new) if index == head else item for index, item in enumerate(value)]


def broken(body):
    """The body with one value replaced by something hostile, or with an unknown field."""
    paths = list(leaves(body))
    return st.one_of(
        st.tuples(st.sampled_from(paths), HOSTILE).map(lambda change: replaced(body, *change)),
        st.just({**body, "unknownField": 1}) if isinstance(body, dict) else st.just(body),
    )


def mostly(value, share: int = 3):
    """`value` in `share` draws out of share + 1, else None."""
    return st.sampled_from([value] * share + [None])


@schema.hook
def flatmap_case(context, case):
    """Mostly (each part drawn on its own) swap generated values for real ones, so requests get past the
    header checks, validation and lookups; the rest of the request stays as generated."""
    body = realistic_body(case.operation.definition.raw.get("operationId", ""))

    def realistic(choices):
        headers, path, version, real_body = choices
        if headers == "real":  # the generated optional headers (nhn-user-role, ...) are dropped
            case.headers = {**HEADERS, "nhn-patient-nin": NIN}
        elif headers is not None:  # real required headers, generated optional ones
            case.headers = {**(case.headers or {}), **HEADERS, "nhn-patient-nin": headers}
        if path and case.path_parameters:
            real = {"record_id": RECORD, "resource_id": ITEM, "subscription_id": SUBSCRIPTION}
            case.path_parameters = {
                name: real.get(name, value) for name, value in case.path_parameters.items()
            }
        if version and case.method == "PUT" and isinstance(case.body, dict):
            case.body = {**case.body, "metadata": {"version": VERSION}}
        if real_body is not None:
            case.body = real_body
        return case

    return st.tuples(
        st.sampled_from(["real", "real", NIN, NEW_NIN, None]),
        mostly(True),
        mostly(True),
        st.one_of(st.just(body), broken(body), st.none()) if body is not None else st.none(),
    ).map(realistic)


def realistic_bodies(context, case):
    """In the scenarios, mostly real bodies (or broken ones) where a random one would never do: a
    pregnancy created over FHIR and then updated, a webhook registered and then managed."""
    body = realistic_body(case.operation.definition.raw.get("operationId", ""))
    if body is None:
        return st.just(case)

    def with_body(value):
        case.body = value
        return case

    return st.one_of(st.just(body), st.just(body), broken(body)).map(with_body)


record_workflows.hook("flatmap_case")(realistic_bodies)  # both machines share their schema's hooks


# --- The test's world: client system A, its token, a record with resources, a subscription ------------


@dataclass
class World:
    token: str
    record_id: str
    edd: date
    items: dict[str, str] = field(default_factory=dict)
    subscription_id: str = ""
    new_patient: str | None = None

    def resolve(self, case, new_patient: str | None = None) -> None:
        """Swap the placeholders for this test's values: ids, the current version, a new patient."""
        self.new_patient = new_patient
        if case.path_parameters:
            kind = self.resource_type(case)
            real = {
                RECORD: self.record_id,
                ITEM: self.items.get(kind, ""),
                SUBSCRIPTION: self.subscription_id,
            }
            case.path_parameters = {
                name: real.get(value, value) for name, value in case.path_parameters.items()
            }
        if case.headers and case.headers.get("nhn-patient-nin") == NEW_NIN:
            case.headers = {**case.headers, "nhn-patient-nin": self.new_patient or new_nin()}
        if isinstance(case.body, dict | list):
            case.body = self.swap(case.body, case)

    def swap(self, value, case):
        if isinstance(value, dict):
            return {key: self.swap(item, case) for key, item in value.items()}
        if isinstance(value, list):
            return [self.swap(item, case) for item in value]
        if value == VERSION:
            return self.current_version(case)
        if value == NEW_NIN:
            return self.new_patient or new_nin()
        if value == EDD:
            return str(self.edd)
        return value

    @staticmethod
    def resource_type(case) -> str:
        parts = case.operation.path.split("/")
        return next((part for part in reversed(parts) if part in RESOURCE_TYPES), "")

    def current_version(self, case) -> int:
        rt = RESOURCE_TYPES.get(self.resource_type(case))
        if rt is None or not self.record_id:  # schemathesis may draw "@version" itself (from this module)
            return 1
        found = rt.model.objects.filter(record_id=self.record_id)
        if rt.is_list:
            if case.path_parameters.get("resource_id") != self.items[rt.name]:
                return 1
            found = found.filter(pk=self.items[rt.name])
        resource = found.first()
        return resource.version if resource else 1


@contextmanager
def same_database_for_each_example():
    """Undo an example's writes, so that every example meets the same database: hypothesis can replay a
    failing one (to shrink it) and get the same answers."""
    savepoint = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(savepoint)


@pytest.fixture(autouse=True)
def app(settings):
    """The app, answering to schemathesis' Host header; afterwards Django closes connections again."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    yield APP
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def offline(monkeypatch):
    """Webhook receiver URLs are checked by resolving their host: IP literals resolve, names do not (no
    DNS from the tests)."""
    resolve = socket.getaddrinfo

    def numeric_only(host, port, family=0, type=0, proto=0, flags=0):
        return resolve(host, port, family, type, proto, flags | socket.AI_NUMERICHOST)

    monkeypatch.setattr(socket, "getaddrinfo", numeric_only)


@pytest.fixture
def world(client_a, client_b, midwife_actor, offline) -> World:
    edd = date.today() + timedelta(days=120)
    record = services.record_create(
        national_id=parse_national_id(NIN),
        actor=midwife_actor,
        resources={rt.name: {} for rt in SINGLETONS if rt.name != "birthPlan" and not rt.extension}
        | {"currentPregnancy": {"due_date_based_on_ultrasound": edd}},
    )
    born = datetime.now(UTC) - timedelta(days=1)  # (not after today: end_dates)
    for name, data in {
        "antenatalAppointments": {"appointment_date": edd - timedelta(days=100)},
        "symphysisFundalHeights": {"measurement": 25, "measurement_date": edd - timedelta(days=100)},
    }.items():
        services.resource_create(record_id=record.pk, resource_type=name, data=data, actor=midwife_actor)
    for name, data in {
        "bookings": {"starts_at": born + timedelta(days=30), "kind": "ANTENATAL"},
    }.items():
        services.resource_create(record_id=record.pk, resource_type=name, data=data, actor=midwife_actor)
    # Delivered, a birth and postnatal visits, then back to ACTIVE: system notes, and a record through a
    # status change.
    a_birth_then_active_again(record, midwife_actor, born, postnatal=True)
    # A record client A does not see: fuzzed ids and keys may point at it.
    other = next(nin for nin in iter(new_nin, None) if nin != NIN)  # new_nin cycles: never the world's own
    services.record_create(national_id=parse_national_id(other), actor=client_b.client.actor())
    subscription = subscription_create(client=client_a.client, url="https://127.0.0.1:8443/hooks")
    # An item of each list type (alert acknowledgements are never written through the API: any id will do)
    items = {
        rt.name: str(getattr(rt.model.objects.filter(record=record).first(), "pk", uuid.uuid4()))
        for rt in LISTS
    }
    return World(
        token=fetch_token(client_a.client_id, client_a.client_secret),
        record_id=str(record.pk),
        edd=edd,
        items=items,
        subscription_id=str(subscription.subscription.pk),
    )


@pytest.mark.fuzz
@schema.parametrize()
@settings(database=None, suppress_health_check=list(HealthCheck))
def test_every_answer_to_client_system_a_is_documented_and_not_a_500(case, world, app):
    with same_database_for_each_example():
        world.resolve(case)
        case.call_and_validate(headers={"Authorization": f"Bearer {world.token}"})


@pytest.mark.fuzz
@anonymous_schema.parametrize()
@settings(database=None, suppress_health_check=list(HealthCheck))
def test_without_a_valid_token_every_operation_answers_401(case, app, db):
    with same_database_for_each_example():
        response = case.call_and_validate()
    assert response.status_code == 401, response.text


class StartWhereIdsComeFrom(TransitionController):
    """Scenarios start with a new record, pregnancy or webhook; schemathesis would also start them at any
    POST, such as a resource's, with a made-up record id (a 404)."""

    STARTS = frozenset(
        {f"POST {API}/record", "POST /spine/fhir/Patient/$create-pregnancy", "POST /spine/v1/subscriptions"}
    )

    def allow_root_transition(self, source, bundles):
        return source in self.STARTS and super().allow_root_transition(source, bundles)


def run_scenarios(workflows, token: str) -> None:
    """Scenarios of linked calls as client system A, each for a new patient."""
    world = World(token=token, record_id="", edd=date.today() + timedelta(days=120))

    class Scenario(workflows.as_state_machine()):
        def __init__(self):
            super().__init__()
            self.control = StartWhereIdsComeFrom(self._transitions, self._root_labels)

        def setup(self):
            self.nin = new_nin()
            self.savepoint = transaction.savepoint()  # each scenario starts from the same database

        def teardown(self):
            transaction.savepoint_rollback(self.savepoint)

        def before_call(self, case):
            case.headers = {**HEADERS, "nhn-patient-nin": self.nin}
            world.resolve(case, new_patient=self.nin)  # a FHIR create is for this scenario's patient

        def get_call_kwargs(self, case):
            return {"headers": {"Authorization": f"Bearer {token}"}}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            # As call_and_validate() does: the checks learn that the token was ours, not a generated one.
            try:
                case.validate_response(
                    response, headers=kwargs["headers"], transport_kwargs=kwargs, recorder=self.recorder
                )
            except FailureGroup as failure:
                failures.append(failure)
                raise

    failures: list[FailureGroup] = []
    try:
        Scenario.run(
            settings=settings(
                max_examples=MAX_EXAMPLES,
                stateful_step_count=10,
                derandomize=True,
                database=None,
                deadline=None,
                suppress_health_check=list(HealthCheck),
            )
        )
    except Flaky:
        # Schemathesis' own choices of the next step are not always replayed alike (its runner treats this
        # the same way): a failure seen on the way is reported, a replay that merely differed is not one.
        if failures:
            raise failures[0] from None


@pytest.mark.fuzz
def test_following_a_records_links_every_answer_is_documented_and_not_a_500(client_a, offline):
    """Create her record (or pregnancy, over FHIR), write its resources with the ids and versions the
    answers give, change its status, read it back."""
    run_scenarios(record_workflows, fetch_token(client_a.client_id, client_a.client_secret))


@pytest.mark.fuzz
def test_following_a_webhooks_links_every_answer_is_documented_and_not_a_500(client_a, offline):
    """Register a webhook, then read, pause, resume, redeliver and delete it."""
    run_scenarios(webhook_workflows, fetch_token(client_a.client_id, client_a.client_secret))
