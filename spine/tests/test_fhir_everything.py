"""`Patient/{id}/$everything`: the whole pregnancy as the caller may see it, as a valid FHIR R4 Bundle
(fhir.resources' R4B classes parse every page back), paged consistently, within the record filter and the
restriction rules, audited as a read."""

import json
from datetime import timedelta
from uuid import uuid4

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from conftest import a_birth_then_active_again, fetch_token
from maternity import services
from maternity.actors import Actor
from maternity.models import AccessLog, Pregnancy, RecordDocument, UserType
from maternity.reads.alerts import record_alerts
from maternity.reads.record_page import record_page_queryset
from maternity.rules.resources import RESOURCE_TYPES
from maternity.services.alerts import alert_acknowledge
from maternity.signin.locations import SESSION_KEY
from maternity.tests.web.alerts_factories import book
from maternity.tests.web.factories import add_appointment, add_sfh, days_from_today, edd_at, make_pregnancy
from spine.fhir.everything import MAX_COUNT
from spine.fhir.mapping import FHIR_MAPPING, NHN_RESOURCE
from spine.serializers.resources import SERIALIZERS
from spine.services import spine_client_set_filter

from .test_record_api_resources import SINGLETON_DATA

pytestmark = pytest.mark.django_db


class Fhir:
    """GET and POST of $everything as one caller (a client system's token, a signed-in browser, nobody)."""

    def __init__(self, token: str | None = None, client: Client | None = None):
        self.client = client or Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def everything(self, record_id, **params):
        return self.client.get(f"/spine/fhir/Patient/{record_id}/$everything", params, headers=self.headers)

    def url(self, url: str):
        return self.client.get(url, headers=self.headers)

    def post(self, record_id, body=None, query: str = ""):
        return self.client.post(
            f"/spine/fhir/Patient/{record_id}/$everything{query}",
            data=json.dumps(body) if body is not None else "",
            content_type="application/fhir+json",
            headers=self.headers,
        )


@pytest.fixture
def fhir_a(client_a):
    return Fhir(fetch_token(client_a.client_id, client_a.client_secret))


@pytest.fixture
def fhir_b(client_b):
    return Fhir(fetch_token(client_b.client_id, client_b.client_secret))


@pytest.fixture
def fhir_c(client_c):
    return Fhir(fetch_token(client_c.client_id, client_c.client_secret))


def _write(record, actor, name: str, body: dict):
    """A resource written through the services from its wire body (as the record API parses it)."""
    serializer = SERIALIZERS[name](data=body)
    serializer.is_valid(raise_exception=True)
    return services.resource_create(
        record_id=record.pk, resource_type=name, data=dict(serializer.validated_data), actor=actor
    )


@pytest.fixture
def full(midwife_actor) -> Pregnancy:
    """A pregnancy with every resource type of the record: each singleton, and items of every list."""
    record = make_pregnancy(midwife_actor, edd=edd_at(30))  # mother, currentPregnancy, a care episode
    book(midwife_actor, record, days=14)
    add_appointment(midwife_actor, record, on=days_from_today(0), blood_pressure="150/95")
    add_sfh(midwife_actor, record, on=days_from_today(0), cm=29, week=30)
    (alert,) = record_alerts(record_page_queryset().get(pk=record.pk), now=timezone.now())
    alert_acknowledge(
        record_id=record.pk,
        alert_code=alert.flag.code,
        subject=alert.flag.subject,
        action_taken="Rechecked after 20 min: 138/88.",
        actor=midwife_actor,
    )
    for name, (body, _) in SINGLETON_DATA.items():
        if name not in ("mother", "currentPregnancy"):
            _write(record, midwife_actor, name, body)
    record.person.user = get_user_model().objects.create_user(username="astrid")
    record.person.save(update_fields=["user"])
    her = Actor(user_type=UserType.PATIENT, user=record.person.user, name="Astrid", source_system="portal")
    services.resource_create(
        record_id=record.pk, resource_type="birthPlan", data={"place_of_birth": "St Olav"}, actor=her
    )
    a_birth_then_active_again(record, midwife_actor, timezone.now() - timedelta(hours=3), postnatal=True)
    return Pregnancy.objects.get(pk=record.pk)


def walk(fhir: Fhir, record_id, **params) -> list[dict]:
    """Every page of the walk, each checked as a valid FHIR R4 Bundle; their bodies."""
    pages = [fhir.everything(record_id, **params)]
    while True:
        response = pages[-1]
        assert response.status_code == 200, response.content
        assert response["Content-Type"].startswith("application/fhir+json")
        body = response.json()
        valid(body)
        following = [link["url"] for link in body.get("link", []) if link["relation"] == "next"]
        if not following:
            return [page.json() for page in pages]
        assert following[0].startswith("http://testserver/spine/fhir/Patient/")
        pages.append(fhir.url(following[0]))


def valid(body: dict) -> None:
    """The Bundle parsed back by fhir.resources, and each entry by its own resource class."""
    bundle = Bundle.model_validate(body)
    assert bundle.type == "searchset"
    for entry in body.get("entry", []):
        resource = entry["resource"]
        parsed = get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        assert parsed.model_dump(mode="json", exclude_none=True) == resource, "as the library writes it"


def resources(pages: list[dict], mode: str = "match") -> list[dict]:
    return [e["resource"] for page in pages for e in page.get("entry", []) if e["search"]["mode"] == mode]


def nhn_of(resource: dict) -> tuple[str, str] | None:
    """(NHN resource type, id) of the record API's resource a FHIR resource carries."""
    for extension in resource.get("extension", []):
        if extension["url"] == NHN_RESOURCE:
            parts = extension["extension"]
            kind = next(p["valueCode"] for p in parts if p["url"] == "resourceType")
            metadata = next((p for p in parts if p["url"] == "metadata"), None)
            ids = [p["valueString"] for p in (metadata or {}).get("extension", []) if p["url"] == "id"]
            return kind, (ids[0] if ids else "")
    return None


def document_of(record) -> dict:
    return json.loads(RecordDocument.objects.get(record=record).body)


# --- the mapping ---------------------------------------------------------------------------------------


def test_every_resource_type_of_the_record_has_a_fhir_mapping():
    assert set(FHIR_MAPPING) == set(RESOURCE_TYPES)


def test_every_resource_type_of_a_full_record_appears_as_its_fhir_resource(fhir_a, full):
    document = document_of(full)
    assert all(document[rt.name] for rt in RESOURCE_TYPES.values()), "the fixture fills every type"

    found = resources(walk(fhir_a, full.pk, _count=MAX_COUNT))

    carried = {nhn_of(resource): resource["resourceType"] for resource in found if nhn_of(resource)}
    for name, value in document.items():
        if name == "metadata":
            continue
        expected = FHIR_MAPPING[name].resource_type
        for item in value if isinstance(value, list) else [value]:
            assert carried.get((name, item["metadata"]["id"])) == expected, f"{name} {item['metadata']['id']}"


def test_the_patient_is_the_record_with_her_identifier_birth_date_and_name(fhir_a, full):
    (page,) = walk(fhir_a, full.pk, _count=MAX_COUNT)
    patient = page["entry"][0]["resource"]
    assert page["entry"][0]["fullUrl"] == f"http://testserver/spine/fhir/Patient/{full.pk}"
    assert patient["id"] == str(full.pk)
    assert patient["identifier"] == [
        {"system": full.person.identifier_system, "value": full.person.identifier_value}
    ]
    assert patient["birthDate"] == full.person.date_of_birth.isoformat()
    assert patient["name"] == [{"text": "Ada Nordmann"}]
    edd = next(r for r in resources([page]) if r["id"] == f"{full.pk}-edd")
    assert edd["valueDateTime"] == full.agreed_edd.isoformat()
    pregnancy = next(
        r for r in resources([page]) if r["resourceType"] == "EpisodeOfCare" and r["id"] == str(full.pk)
    )
    assert pregnancy["status"] == "active"
    assert pregnancy["managingOrganization"]["reference"] == "Organization/org-974749025"


def test_values_land_in_their_natural_elements(fhir_a, full):
    found = resources(walk(fhir_a, full.pk, _count=MAX_COUNT))
    sfh = next(r for r in found if nhn_of(r) and nhn_of(r)[0] == "symphysisFundalHeights")
    assert sfh["valueQuantity"] == {
        "value": 29,
        "unit": "cm",
        "system": "http://unitsofmeasure.org",
        "code": "cm",
    }
    birth = next(r for r in found if nhn_of(r) and nhn_of(r)[0] == "births")
    assert birth["resourceType"] == "Procedure" and birth["performedDateTime"]
    booking = next(r for r in found if r["resourceType"] == "Appointment")
    assert booking["status"] == "booked" and booking["start"]
    team = next(r for r in found if r["resourceType"] == "CareTeam")
    assert [p["member"]["identifier"]["value"] for p in team["participant"]] == ["222200063", "9144889"]


def test_every_reference_resolves_to_an_entry_of_the_walk(fhir_a, full):
    pages = walk(fhir_a, full.pk, _count=7)
    urls = {e["fullUrl"] for page in pages for e in page.get("entry", []) if "fullUrl" in e}

    def references(value):
        if isinstance(value, dict):
            if isinstance(value.get("reference"), str):
                yield value["reference"]
            for inner in value.values():
                yield from references(inner)
        elif isinstance(value, list):
            for inner in value:
                yield from references(inner)

    found = list(references(resources(pages)))
    assert found, "the resources refer to the Patient at least"
    for reference in found:
        assert f"http://testserver/spine/fhir/{reference}" in urls, reference


def test_an_item_entered_in_error_keeps_its_resource_marked_entered_in_error(fhir_a, record, midwife_actor):
    wrong = add_sfh(midwife_actor, record, on=days_from_today(0), cm=31)
    services.resource_enter_in_error(
        record_id=record.pk, resource_type="symphysisFundalHeights", resource_id=wrong.pk, actor=midwife_actor
    )
    (page,) = walk(fhir_a, record.pk)
    (observation,) = [r for r in resources([page]) if r["id"] == str(wrong.pk)]
    assert observation["status"] == "entered-in-error"


def test_a_delivered_pregnancy_is_a_finished_episode_ending_at_the_delivery(fhir_a, record, midwife_actor):
    services.record_status_update(
        record_id=record.pk,
        version=1,
        status="DELIVERED",
        delivery_date=timezone.now() - timedelta(hours=1),
        live_birth=True,
        actor=midwife_actor,
    )
    (page,) = walk(fhir_a, record.pk)
    pregnancy = next(
        r for r in resources([page]) if r["resourceType"] == "EpisodeOfCare" and r["id"] == str(record.pk)
    )
    assert pregnancy["status"] == "finished" and pregnancy["period"]["end"]
    assert page["entry"][0]["resource"]["active"] is False


# --- paging --------------------------------------------------------------------------------------------


@pytest.fixture
def large(midwife_actor) -> Pregnancy:
    record = make_pregnancy(midwife_actor, edd=edd_at(30))
    for day in range(120):
        add_sfh(midwife_actor, record, on=days_from_today(-day), cm=20 + day % 10)
    return record


def test_a_large_record_is_walked_in_pages_each_entry_exactly_once(fhir_a, large):
    pages = walk(fhir_a, large.pk, _count=25)

    assert len(pages) > 4
    ids = [(r["resourceType"], r["id"]) for r in resources(pages)]
    assert len(ids) == len(set(ids)) == pages[0]["total"]
    assert all(page["total"] == pages[0]["total"] for page in pages)
    assert all(len(page["entry"]) <= 25 for page in pages)
    assert sum(1 for kind, _ in ids if kind == "Observation") == 120 + 2  # SFH, currentPregnancy, its EDD
    assert pages[0]["link"][0] == {
        "relation": "self",
        "url": f"http://testserver/spine/fhir/Patient/{large.pk}/$everything?_count=25",
    }


def test_a_change_mid_walk_is_refused_with_409_rather_than_a_mixed_view(fhir_a, large, midwife_actor):
    first = fhir_a.everything(large.pk, _count=25).json()
    following = next(link["url"] for link in first["link"] if link["relation"] == "next")
    add_sfh(midwife_actor, large, on=days_from_today(0), cm=30)

    response = fhir_a.url(following)

    assert response.status_code == 409
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["code"] == "conflict"
    assert "start again" in outcome["issue"][0]["diagnostics"]


def test_the_default_page_holds_50_and_count_over_the_maximum_is_served_as_the_maximum(fhir_a, large):
    assert len(fhir_a.everything(large.pk).json()["entry"]) == 50
    body = fhir_a.everything(large.pk, _count=100000).json()
    assert body["total"] == len(body["entry"]) == 126
    assert not [link for link in body["link"] if link["relation"] == "next"]


def test_count_zero_gives_only_the_total(fhir_a, large):
    body = fhir_a.everything(large.pk, _count=0).json()
    assert body["total"] == 126 and "entry" not in body


@pytest.mark.parametrize("count", ["-1", "abc", "1.5", "", " 5", "٣", "9" * 40])
def test_a_bad_count_is_a_400_operation_outcome(fhir_a, record, count):
    response = fhir_a.everything(record.pk, _count=count)
    assert response.status_code == 400
    assert response.json()["issue"][0]["code"] == "value"


@pytest.mark.parametrize("cursor", ["nonsense", "", "a" * 5000, "eyJyIjoxfQ:1abc:def"])
def test_a_bad_cursor_is_a_400_operation_outcome(fhir_a, record, cursor):
    response = fhir_a.everything(record.pk, _cursor=cursor)
    assert response.status_code == 400
    assert "_cursor" in response.json()["issue"][0]["diagnostics"]


def test_a_cursor_of_another_record_is_a_400(fhir_a, large, midwife_actor):
    other = make_pregnancy(midwife_actor, edd=edd_at(20))
    first = fhir_a.everything(large.pk, _count=10).json()
    following = next(link["url"] for link in first["link"] if link["relation"] == "next")
    cursor = following.split("_cursor=")[1]
    response = fhir_a.client.get(
        f"/spine/fhir/Patient/{other.pk}/$everything?_count=10&_cursor={cursor}", headers=fhir_a.headers
    )
    assert response.status_code == 400


def test_a_parameter_sent_twice_or_a_date_filter_is_a_400(fhir_a, record):
    twice = fhir_a.client.get(
        f"/spine/fhir/Patient/{record.pk}/$everything?_count=5&_count=6", headers=fhir_a.headers
    )
    assert twice.status_code == 400
    assert fhir_a.everything(record.pk, start="2025-01-01").status_code == 400


def test_type_keeps_only_the_resource_types_asked_for(fhir_a, full):
    found = resources(walk(fhir_a, full.pk, _type="Encounter,Appointment"))
    assert {r["resourceType"] for r in found} == {"Encounter", "Appointment"}
    assert fhir_a.everything(full.pk, _type="Observation,Spaceship").status_code == 400


def test_a_cursor_follows_only_the_view_it_was_made_for(fhir_a, large):
    first = fhir_a.everything(large.pk, _count=10).json()
    following = next(link["url"] for link in first["link"] if link["relation"] == "next")
    response = fhir_a.url(following.replace("_count=10", "_count=10&_type=Observation"))
    assert response.status_code == 409


# --- POST ----------------------------------------------------------------------------------------------


def test_post_with_parameters_answers_as_the_get(fhir_a, large):
    body = {
        "resourceType": "Parameters",
        "parameter": [{"name": "_count", "valueInteger": 5}, {"name": "_type", "valueString": "Observation"}],
    }
    response = fhir_a.post(large.pk, body)
    assert response.status_code == 200, response.content
    page = response.json()
    assert len(page["entry"]) == 5 and {e["resource"]["resourceType"] for e in page["entry"]} == {
        "Observation"
    }
    assert fhir_a.post(large.pk).json()["total"] == 126


@pytest.mark.parametrize(
    "body",
    [
        {"resourceType": "Parameters", "parameter": [{"name": "patient", "valueString": "x"}]},
        {"resourceType": "Parameters", "parameter": [{"name": "_count"}]},
        {"resourceType": "Parameters", "parameter": [{"name": "_count", "valueInteger": -3}]},
        {"resourceType": "Patient"},
        [1, 2],
        {"resourceType": "Parameters", "parameter": "no"},
    ],
)
def test_post_with_a_bad_body_is_a_400(fhir_a, record, body):
    response = fhir_a.post(record.pk, body)
    assert response.status_code == 400, response.content
    assert response.json()["resourceType"] == "OperationOutcome"


# --- who may -------------------------------------------------------------------------------------------


@pytest.fixture
def midwife_browser(location_a):
    midwife = services.practitioner_create(
        username="kari", display_name="Kari Jordmor", care_locations=[location_a], hpr_nr="9144889"
    )
    browser = Client()
    browser.force_login(midwife)
    session = browser.session
    session[SESSION_KEY] = location_a.pk
    session.save()
    return Fhir(client=browser)


def test_a_client_of_another_stakeholder_location_reads_it(fhir_b, client_b, record):
    services.stakeholder_grant(
        record=record, care_location=client_b.client.care_location, reason="API_ACCESS"
    )
    assert fhir_b.everything(record.pk).status_code == 200


def test_a_midwife_signed_in_at_a_stakeholder_location_reads_it(midwife_browser, record):
    response = midwife_browser.everything(record.pk)
    assert response.status_code == 200, response.content
    valid(response.json())


def test_a_client_of_a_location_that_is_no_stakeholder_gets_404_and_learns_nothing(fhir_c, record):
    response = fhir_c.everything(record.pk)
    assert response.status_code == 404
    assert response.json()["resourceType"] == "OperationOutcome"
    assert response.json() == fhir_c.everything(uuid4()).json(), "the same as for no record at all"


def test_anonymous_gets_401(record):
    response = Fhir().everything(record.pk)
    assert response.status_code == 401
    assert response.json()["issue"][0]["code"] == "login"


def test_a_malformed_record_id_is_a_404(fhir_a):
    assert fhir_a.everything("not-a-uuid").status_code == 404


def test_each_page_is_audited_as_a_read_of_the_record(fhir_a, client_a, large):
    before = AccessLog.objects.count()
    pages = walk(fhir_a, large.pk, _count=100)

    entries = list(AccessLog.objects.order_by("-id")[: len(pages)])
    assert AccessLog.objects.count() == before + len(pages)
    for entry in entries:
        assert (entry.action, entry.record_id, entry.outcome, entry.status_code) == (
            "READ",
            large.pk,
            "ALLOWED",
            200,
        )
        assert entry.client_id == client_a.client_id
    assert entries[-1].detail == "$everything: entries 1-100 of 126"


def test_a_refused_read_is_audited_too(fhir_c, record):
    fhir_c.everything(record.pk)
    entry = AccessLog.objects.order_by("-id").first()
    assert (entry.action, entry.status_code, entry.outcome) == ("READ", 404, "DENIED")


# --- the record filter and restricted entries ------------------------------------------------------------


def test_resource_types_outside_the_client_record_filter_are_absent(fhir_a, client_a, full):
    visible = [name for name in RESOURCE_TYPES if name not in ("mother", "births", "careLocations", "notes")]
    spine_client_set_filter(client=client_a.client, record_filter=visible)

    found = resources(walk(fhir_a, full.pk, _count=MAX_COUNT))

    kinds = {nhn_of(r)[0] for r in found if nhn_of(r)}
    assert kinds.isdisjoint({"mother", "births", "careLocations", "notes"})
    assert {"antenatalAppointments", "bookings", "labour"} <= kinds
    patient = found[0]
    assert patient["resourceType"] == "Patient" and "name" not in patient
    assert not [r for r in found if r["resourceType"] in ("Organization", "Communication")]
    pregnancy = found[1]
    assert "managingOrganization" not in pregnancy, "no reference to a Care Location it may not see"


@pytest.fixture
def restricted(full):
    """The stored document with restricted stubs, as the restriction rules leave them in a caller's
    document: an appointment (a list item) and the medical conditions (a singleton). Restored after."""
    stored = RecordDocument.objects.get(record=full)
    original = stored.body
    document = json.loads(original)
    appointment = document["antenatalAppointments"][0]["metadata"]["id"]
    document["antenatalAppointments"][0] = {"id": appointment, "restricted": True}
    document["medicalConditions"] = {"restricted": True}
    RecordDocument.objects.filter(record=full).update(body=json.dumps(document))
    yield full, appointment, original
    RecordDocument.objects.filter(record=full).update(body=original)


def test_a_restricted_entry_becomes_no_resource_and_the_bundle_says_only_that_something_is_restricted(
    fhir_a, restricted
):
    record, appointment, original = restricted

    pages = walk(fhir_a, record.pk, _count=10)

    found = resources(pages)
    assert appointment not in {r["id"] for r in found}
    assert "medicalConditions" not in {nhn_of(r)[0] for r in found if nhn_of(r)}
    assert not [r for r in found if r["resourceType"] == "Condition"]
    (outcome,) = resources(pages, mode="outcome")
    assert outcome["resourceType"] == "OperationOutcome"
    issues = outcome["issue"]
    assert [(i["severity"], i["code"]) for i in issues] == [("information", "suppressed")] * 2
    assert "medicalConditions" in issues[0]["diagnostics"]
    assert appointment in issues[1]["diagnostics"] and "antenatalAppointments" in issues[1]["diagnostics"]
    text = json.dumps(pages)
    assert "Astma, inhalator" not in text, "nothing of what is restricted"
    assert appointment not in {nhn_of(r)[1] for r in found if nhn_of(r)}
    assert not resources(pages[1:], mode="outcome"), "said once, on the first page"


# --- cost ----------------------------------------------------------------------------------------------


def test_the_number_of_queries_is_the_same_whatever_the_record_size(
    fhir_a, record, large, django_assert_num_queries
):
    """The token, the record with its person and stored document (visibility in the same query), the
    audit entry: three, for an empty record and one of 120 measurements alike."""
    fhir_a.everything(record.pk)  # documents stored, as the write gate leaves them: the usual state
    fhir_a.everything(large.pk)
    with django_assert_num_queries(3):
        assert fhir_a.everything(record.pk, _count=MAX_COUNT).status_code == 200
    with django_assert_num_queries(3):
        assert fhir_a.everything(large.pk, _count=MAX_COUNT).status_code == 200
