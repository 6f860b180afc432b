"""What the schemathesis fuzzing found (spine/tests/fuzz/, docs/fuzzing.md), each kept as a plain test."""

import pytest
from django.test import Client

from conftest import API, FhirApi, fetch_token
from maternity.models import AccessLog, Mother

from .helpers import bundle, edd_observation, find_parameters, outcome, patient

UNKNOWN_RECORD = "7d0c4f4e-52d4-4a25-9a33-0f2f0b7f3b7e"

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", headers={"accept": "application/json"}, secure=True)
    assert response.status_code == 200
    return response.json()


def operation(schema: dict, path: str, method: str) -> dict:
    return schema["paths"][path][method]


def header(schema: dict, path: str, method: str, name: str) -> dict:
    return next(p for p in operation(schema, path, method)["parameters"] if p["name"] == name)


@pytest.fixture
def token(client_a) -> str:
    return fetch_token(client_a.client_id, client_a.client_secret)


# --- Server errors ----------------------------------------------------------------------------------------


def test_options_on_a_view_without_a_serializer_class_is_answered_not_a_500(token):
    response = Client().options("/spine/v1/subscriptions", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 200
    assert response.json() == {
        "name": "Subscription List",
        "description": "",
        "renders": ["application/json"],
        "parses": ["application/json"],
    }
    assert response["Allow"] == "GET, POST, HEAD, OPTIONS"


def test_a_nul_in_a_field_name_is_refused_with_400_and_the_audit_entry_is_still_written(api, record_id):
    api.post(f"record/{record_id}/pointsOfContact", {})

    response = api.put(
        f"record/{record_id}/pointsOfContact", {"midwife": {"na\x00me": "Kari"}, "metadata": {"version": 1}}
    )

    assert outcome(response) == (400, "DHG-0012", "DHG-0012")
    assert response.json()["field"] == "midwife.na%00me"  # named without the NUL it holds
    entry = AccessLog.objects.order_by("-id").first()
    assert entry.status_code == 400
    assert entry.detail.startswith("midwife.na%00me: This key holds the control character U+0000 (NUL).")


def test_pregnancy_keys_with_an_edd_at_the_end_of_the_calendar_find_nothing_instead_of_failing(api):
    for edd in ["0001-01-01", "9999-12-31"]:
        response = api.get(f"record/{UNKNOWN_RECORD}", X_Patient_Birth_Date="1994-05-17", X_Pregnancy_EDD=edd)

        assert outcome(response) == (404, "DHG-0015", "DHG-0015")


def test_a_fhir_find_with_an_edd_at_the_end_of_the_calendar_finds_nothing_instead_of_failing(token, nin):
    response = FhirApi(token).post(
        "Patient/$find-pregnancy", find_parameters(nin, "1994-05-17", "9999-12-31")
    )

    assert response.status_code == 404
    assert response.json()["issue"][0]["code"] == "not-found"


def test_a_fhir_bundle_with_null_in_a_list_of_primitives_is_read_not_a_500(token, nin):
    observation = edd_observation("2027-03-21")
    observation["meta"]["profile"] = [None]  # FHIR JSON allows null items (data in "_profile")
    person = patient(nin, "1994-05-17") | {
        "name": [{"use": "official", "given": [None, "Kari"], "family": "Nordmann"}],
        "address": [{"line": [None, "Storgata 1"], "postalCode": "7030", "city": "Trondheim"}],
    }

    response = FhirApi(token).post("Patient/$create-pregnancy", bundle(person, observation))

    assert response.status_code == 201, response.content
    mother = Mother.objects.get(record_id=response["X-Logical-Id"])
    assert (mother.name, mother.address) == ("Kari Nordmann", "Storgata 1")


def test_a_last_period_too_late_for_a_due_date_is_refused_with_400(api, record_id):
    response = api.post(f"record/{record_id}/currentPregnancy", {"dateLastPeriod": "9999-12-31"})

    assert outcome(response) == (400, "DHG-0012", "DHG-0012")
    assert response.json()["errorMessage"] == (
        "date_last_period: No due date can follow it: 280 days later is past 9999-12-31."
    )


# --- Requests the schema forbids that were accepted, and answers it does not allow ----------------------


@pytest.mark.parametrize(
    "path, body, message",
    [
        ("geneticDisorders", {"noneKnown": 0.0}, "noneKnown: Expected true or false, got a number."),
        ("geneticDisorders", {"noneKnown": "no"}, "noneKnown: Expected true or false, got a string."),
        (
            "antenatalAppointments",
            {"appointmentDate": "2026-01-01", "pregnancyWeek": "12"},
            "pregnancyWeek: Expected a whole number, got a string.",
        ),
        ("mother", {"name": 42}, "name: Expected a string, got a number."),
        ("vitalMeasurementsBeforePregnancy", {"height": "170"}, "height: Expected a number, got a string."),
        (
            "updateStatus",
            {"version": "1", "recordStatus": {"status": "ACTIVE"}},
            "version: Expected a whole number, got a string.",
        ),
    ],
)
def test_a_value_of_the_wrong_json_type_is_refused_not_converted(api, record_id, path, body, message):
    response = api.post(f"record/{record_id}/{path}", body)

    assert outcome(response) == (400, "DHG-0012", "DHG-0012")
    assert response.json()["errorMessage"] == message


def test_empty_pregnancy_key_headers_are_refused_not_taken_as_absent(api, record_id):
    response = api.get(f"record/{record_id}", X_Patient_Birth_Date="", X_Pregnancy_EDD="")

    assert outcome(response) == (400, "DHG-0012", "DHG-0012")
    assert response.json()["errorMessage"] == "X-Patient-Birth-Date must be a date, YYYY-MM-DD."


def test_without_a_token_a_malformed_body_is_answered_401_not_a_json_error(db):
    response = Client().post(f"{API}/record", data="{", content_type="application/json")

    assert outcome(response) == (401, "DHG-0005", "DHG-0005")
    assert response.json()["errorMessage"] == (
        "Authentication required: send Authorization: Bearer <token> from POST /o/token/."
    )


def test_without_a_token_a_malformed_fhir_body_is_answered_401(db):
    response = FhirApi(None).post("Patient/$find-pregnancy", raw="{")

    assert response.status_code == 401
    assert response.json()["issue"][0]["code"] == "login"


@pytest.mark.parametrize(
    "path, message",
    [
        ("/spine/v1/events?limit=", "limit must be a whole number."),
        ("/spine/v1/events?after=", "after is not a cursor this service gave to your client system."),
        ("/spine/v1/records?limit=", "limit must be a whole number."),
        ("/spine/v1/records?after=", "after is not a cursor this endpoint gave out."),
        (
            "/spine/v1/records?status=",
            "status must be one of ACTIVE, DELIVERED, TERMINATED, ENTERED_IN_ERROR.",
        ),
    ],
)
def test_an_empty_query_parameter_is_refused_not_taken_as_absent(token, path, message):
    response = Client().get(path, headers={"Authorization": f"Bearer {token}"})

    assert outcome(response) == (400, "DHG-0012", "DHG-0012")
    assert response.json() | {"eventId": ""} == {
        "errorCode": "DHG-0012",
        "errorMessage": message,
        "eventId": "",
        "field": path.split("?")[1].rstrip("="),
    }


def test_a_malformed_pregnancy_key_header_is_refused_even_from_a_stakeholder(api, record_id):
    response = api.get(f"record/{record_id}", X_Patient_Birth_Date="not-a-date")

    assert outcome(response) == (400, "DHG-0012", "DHG-0012")
    assert response.json()["errorMessage"] == "X-Patient-Birth-Date must be a date, YYYY-MM-DD."
    assert response.json()["field"] == "X-Patient-Birth-Date"


def test_format_in_the_query_no_longer_chooses_the_answer_so_it_cannot_turn_a_401_into_a_404(db):
    response = FhirApi(None).client.post(
        "/spine/fhir/Patient/$find-pregnancy?format=0", data="{}", content_type="application/fhir+json"
    )

    assert response.status_code == 401


# --- The schema itself ----------------------------------------------------------------------------------


def test_the_schema_names_the_fhir_operations_with_their_dollar(schema):
    fhir = sorted(path for path in schema["paths"] if path.startswith("/spine/fhir/"))

    assert fhir == [
        "/spine/fhir/Patient/$create-pregnancy",
        "/spine/fhir/Patient/$find-all-pregnancies",
        "/spine/fhir/Patient/$find-pregnancy",
        "/spine/fhir/Patient/{record_id}/$everything",
        "/spine/fhir/Patient/{record_id}/$update-pregnancy",
    ]


def test_the_schema_has_no_format_query_parameter(schema):
    parameters = operation(schema, "/spine/fhir/Patient/$find-pregnancy", "post")["parameters"]

    assert [p["name"] for p in parameters if p["in"] == "query"] == []


def test_the_schema_documents_the_statuses_a_resource_write_answers(schema):
    singleton, item = (
        f"{API}/record/{{record_id}}/mother",
        f"{API}/record/{{record_id}}/births/{{resource_id}}",
    )
    errors = ["400", "401", "403", "404", "409"]

    assert sorted(operation(schema, singleton, "post")["responses"]) == ["201", *errors, "413", "415"]
    assert sorted(operation(schema, singleton, "put")["responses"]) == ["200", *errors, "413", "415"]
    assert sorted(operation(schema, item, "delete")["responses"]) == ["200", *errors]


def test_the_schema_shows_a_resource_in_its_wire_shape(schema):
    components = schema["components"]["schemas"]
    answer, request = components["CurrentPregnancy"], components["CurrentPregnancyRequest"]

    assert answer["properties"]["metadata"] == {"$ref": "#/components/schemas/ResourceMetadata"}
    assert sorted(answer["properties"]["assistedConception"]["properties"]) == [
        "dateAssistedConception",
        "hadAssistedConception",
    ]
    assert "hadAssistedConception" not in answer["properties"]
    assert request["additionalProperties"] is False
    assert request["properties"]["assistedConception"]["additionalProperties"] is False


def test_the_schema_says_metadata_is_ignored_on_a_post(schema):
    metadata = schema["components"]["schemas"]["CurrentPregnancyRequest"]["properties"]["metadata"]

    assert "type" not in metadata


def test_the_schema_documents_a_body_too_large_for_webhook_requests(schema):
    for path in ["/spine/v1/subscriptions", "/spine/v1/subscriptions/{subscription_id}/redeliver"]:
        assert {"413", "415"} <= set(operation(schema, path, "post")["responses"])


def test_the_schema_says_a_put_must_send_the_version_it_read(schema):
    body = operation(schema, f"{API}/record/{{record_id}}/mother", "put")["requestBody"]

    assert body["content"]["application/json"]["schema"]["allOf"][1] == {
        "required": ["metadata"],
        "properties": {
            "metadata": {
                "type": "object",
                "required": ["version"],
                "properties": {"version": {"type": "integer", "minimum": 1}},
            }
        },
    }


def test_the_schema_spells_rhesus_d_positive_as_the_answers_do(schema):
    components = schema["components"]["schemas"]
    answer = components["ClinicalTests"]["properties"]["aboRh"]["properties"]["rhesusDType"]
    request = components["ClinicalTestsRequest"]["properties"]["aboRh"]["properties"]["rhesusDType"]

    assert answer["enum"] == ["NEGATIVE", "POSTIVE", None]
    assert request["enum"] == ["NEGATIVE", "POSITIVE", "POSTIVE", None]


def test_the_schema_lets_next_be_null_on_the_last_page(schema):
    components = schema["components"]["schemas"]

    assert components["RecordHistory"]["properties"]["next"]["nullable"] is True
    assert components["RecordList"]["properties"]["next"]["nullable"] is True


def test_the_schema_of_a_new_record_takes_only_singletons_a_professional_writes(schema):
    body = schema["components"]["schemas"]["RecordCreateRequest"]

    assert "required" not in body
    assert body["additionalProperties"] is False
    assert sorted(body["properties"]) == [
        "clinicalTests",
        "currentPregnancy",
        "geneticDisorders",
        "lifestyleFactors",
        "medicalConditions",
        "medication",
        "metadata",
        "mother",
        "pointsOfContact",
        "previousPregnancies",
        "rhesusDNegative",
        "vitalMeasurementsBeforePregnancy",
    ]


def test_the_schema_requires_the_acting_user_on_writes_only(schema):
    mother = f"{API}/record/{{record_id}}/mother"

    assert header(schema, mother, "put", "X-Acting-User-Name")["required"] is True
    assert header(schema, mother, "put", "X-Acting-User-Id")["schema"] == {"type": "string", "minLength": 1}
    assert header(schema, f"{API}/record/{{record_id}}", "get", "X-Acting-User-Name").get("required") is None


def test_the_schema_gives_the_page_size_limits(schema):
    limit = next(
        p for p in operation(schema, "/spine/v1/events", "get")["parameters"] if p["name"] == "limit"
    )

    assert limit["schema"] == {"type": "integer", "minimum": 1, "maximum": 1000}


def test_the_schema_lists_the_codes_of_a_coded_value(schema):
    language = schema["components"]["schemas"]["MotherRequest"]["properties"]["language"]

    assert language["required"] == ["code"]
    assert "NB" in language["properties"]["code"]["enum"]
    assert language["properties"]["codeSystem"]["enum"] == ["VOLVEN_3303", "", None]
