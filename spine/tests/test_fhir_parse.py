"""Reading the FHIR bodies of $find-pregnancy, $find-all-pregnancies, $create-pregnancy and
$update-pregnancy, and the DRF parser for application/fhir+json."""

import datetime
import io

import pytest
from rest_framework.exceptions import ParseError

from maternity.rules.codes import LANGUAGE
from maternity.rules.identifiers import (
    NHS_NUMBER,
    NO_DNR,
    NO_FNR,
    NZ_NHI,
    NationalId,
    make_d_number,
    make_nhs_number,
    make_norwegian_fnr,
)
from spine.fhir.http import FhirJsonParser
from spine.fhir.parse import (
    Edd,
    EddKind,
    FhirInvalid,
    FindQuery,
    body_fhirpath,
    parse_find_all_pregnancies,
    parse_find_pregnancy,
    parse_pregnancy_bundle,
)

BIRTH = datetime.date(1994, 5, 17)
NHS = make_nhs_number("943476591")  # 9434765919
FNR = make_norwegian_fnr(BIRTH, 123, synthetic=True)  # 17859412394 (synthetic: month + 80)
DNR = make_d_number(BIRTH, 100, synthetic=True)  # 57859410024 (day + 40)
NHI = "ZZZ00AC"  # new format, mod-23 check letter (HISO 10046:2023)

NATIONAL_IDS = [
    pytest.param(NHS_NUMBER, NHS, None, id="nhs-number"),
    pytest.param(NO_FNR, FNR, BIRTH, id="norwegian-fnr"),
    pytest.param(NO_DNR, DNR, BIRTH, id="norwegian-d-number"),
    pytest.param(NZ_NHI, NHI, None, id="nz-nhi"),
]

PROFILE = "https://fhir.clevermed.com/StructureDefinition/"
INTERPRETER_REQUIRED = "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired"


def refusal(parse, body, **kwargs) -> FhirInvalid:
    with pytest.raises(FhirInvalid) as caught:
        parse(body, **kwargs)
    return caught.value


def outcome(error: FhirInvalid) -> tuple[int, str, str | None]:
    return error.status, error.code, error.expression


# --- Parameters bodies ----------------------------------------------------------------------------------


def national_id(system: str = NHS_NUMBER, value: str = NHS) -> dict:
    return {"name": "national-id", "valueIdentifier": {"system": system, "value": value}}


def reason(value: str) -> dict:
    return {"name": "break-glass-reason", "valueString": value}


def reason_code(value: str) -> dict:
    return {"name": "break-glass-reason-code", "valueCode": value}


def find_body(**replace: dict | None) -> dict:
    """A valid $find-pregnancy body; replace a parameter by passing it (dob={...}), drop it with None."""
    parameters = {
        "national_id": national_id(),
        "dob": {"name": "dob", "valueDate": "1994-05-17"},
        "edd": {"name": "edd", "valueDate": "2025-01-10"},
        "break_glass_reason": reason("Booking appointment"),
        "break_glass_reason_code": reason_code("TRANSFER"),
    }
    parameters.update(replace)
    return {"resourceType": "Parameters", "parameter": [p for p in parameters.values() if p is not None]}


def find_all_body(**replace: dict | None) -> dict:
    return find_body(edd=None, break_glass_reason=None, break_glass_reason_code=None, **replace)


def test_a_find_reads_all_five_parameters():
    assert parse_find_pregnancy(find_body()) == FindQuery(
        national_id=NationalId(NHS_NUMBER, NHS),
        date_of_birth=BIRTH,
        edd=datetime.date(2025, 1, 10),
        break_glass_reason="Booking appointment",
        break_glass_reason_code="TRANSFER",
    )


@pytest.mark.parametrize(("system", "value", "birth_date"), NATIONAL_IDS)
def test_a_find_accepts_each_national_identifier_system(system, value, birth_date):
    query = parse_find_pregnancy(find_body(national_id=national_id(system, value)))
    assert query.national_id == NationalId(system, value, birth_date)


def test_a_find_gives_the_identifier_in_canonical_form():
    query = parse_find_pregnancy(find_body(national_id=national_id(NZ_NHI, "zzz 00ac")))
    assert query.national_id.value == "ZZZ00AC"


def test_a_find_strips_the_break_glass_reason():
    body = find_body(break_glass_reason=reason("  Urgent care \n"))
    assert parse_find_pregnancy(body).break_glass_reason == "Urgent care"


def test_a_reason_code_with_spaces_around_it_is_not_a_fhir_code_and_is_refused_with_400():
    error = refusal(parse_find_pregnancy, find_body(break_glass_reason_code=reason_code(" OTHER")))
    assert (error.status, error.expression) == (400, "Parameters.parameter[4].valueCode")


def test_a_find_leaves_judging_the_reason_to_the_find_itself():
    """Too short or an unknown code is the find's rule (break_glass_reason_check), not the parser's."""
    body = find_body(break_glass_reason=reason("   "), break_glass_reason_code=reason_code("HUNCH"))
    query = parse_find_pregnancy(body)
    assert (query.break_glass_reason, query.break_glass_reason_code) == ("", "HUNCH")


def test_a_find_remembers_where_it_read_each_parameters_value():
    body = find_body()
    body["parameter"].reverse()

    assert parse_find_pregnancy(body).places == {
        "break-glass-reason-code": "Parameters.parameter[0].valueCode",
        "break-glass-reason": "Parameters.parameter[1].valueString",
        "edd": "Parameters.parameter[2].valueDate",
        "dob": "Parameters.parameter[3].valueDate",
        "national-id": "Parameters.parameter[4].valueIdentifier",
    }


def test_parameters_may_come_in_any_order():
    body = find_body()
    body["parameter"].reverse()
    assert parse_find_pregnancy(body).date_of_birth == BIRTH


@pytest.mark.parametrize(
    "name", ["national_id", "dob", "edd", "break_glass_reason", "break_glass_reason_code"]
)
def test_a_find_without_each_parameter_is_refused_with_422_naming_it(name):
    error = refusal(parse_find_pregnancy, find_body(**{name: None}))
    assert outcome(error) == (422, "required", "Parameters.parameter")
    assert f"missing required parameter '{name.replace('_', '-')}'" in error.message


def test_a_find_without_a_break_glass_reason_is_refused_with_422():
    error = refusal(parse_find_pregnancy, find_body(break_glass_reason=None))
    assert error.status == 422
    assert "break-glass-reason" in error.message


def test_a_find_with_no_parameters_lists_every_missing_one():
    error = refusal(parse_find_pregnancy, {"resourceType": "Parameters"})
    assert error.status == 422
    assert "'national-id', 'dob', 'edd', 'break-glass-reason', 'break-glass-reason-code'" in error.message


def test_a_find_of_an_older_client_without_the_reason_code_is_told_the_codes_it_may_send():
    error = refusal(parse_find_pregnancy, find_body(break_glass_reason_code=None))
    assert outcome(error) == (422, "required", "Parameters.parameter")
    assert "missing required parameter 'break-glass-reason-code'" in error.message
    assert "is a valueCode, one of EMERGENCY (emergency care or acute admission), LABOUR (" in error.message
    for code in ("TRANSFER", "PATIENT_REQUEST", "OTHER"):
        assert code in error.message


def test_a_reason_code_sent_as_a_string_is_refused_with_422_naming_the_type():
    error = refusal(
        parse_find_pregnancy,
        find_body(break_glass_reason_code={"name": "break-glass-reason-code", "valueString": "LABOUR"}),
    )
    assert outcome(error) == (422, "value", "Parameters.parameter[4]")
    assert "must be a valueCode, got valueString" in error.message


@pytest.mark.parametrize("name", ["break_glass_reason", "break_glass_reason_code"])
def test_an_empty_break_glass_reason_or_code_is_not_valid_fhir_and_is_refused_with_400(name):
    empty = reason("") if name == "break_glass_reason" else reason_code("")
    error = refusal(parse_find_pregnancy, find_body(**{name: empty}))
    assert error.status == 400
    assert error.expression.startswith(f"Parameters.parameter[{3 if name == 'break_glass_reason' else 4}]")


def test_a_parameter_given_twice_is_refused_with_422():
    body = find_body()
    body["parameter"].append({"name": "dob", "valueDate": "1994-05-18"})
    error = refusal(parse_find_pregnancy, body)
    assert outcome(error) == (422, "invalid", "Parameters.parameter[5]")
    assert "'dob' is given more than once" in error.message


def test_an_unknown_parameter_is_refused_with_422_naming_the_accepted_ones():
    body = find_body()
    body["parameter"].append({"name": "nhs-number", "valueString": NHS})
    error = refusal(parse_find_pregnancy, body)
    assert outcome(error) == (422, "not-supported", "Parameters.parameter[5].name")
    assert "unknown parameter 'nhs-number'" in error.message
    assert "'national-id', 'dob', 'edd', 'break-glass-reason', 'break-glass-reason-code'" in error.message


def test_a_dob_given_as_a_string_is_refused_with_422():
    error = refusal(parse_find_pregnancy, find_body(dob={"name": "dob", "valueString": "1994-05-17"}))
    assert outcome(error) == (422, "value", "Parameters.parameter[1]")
    assert error.message == "Parameters.parameter[1]: parameter 'dob' must be a valueDate, got valueString"


def test_a_national_id_given_as_a_string_is_refused_with_422():
    error = refusal(parse_find_pregnancy, find_body(national_id={"name": "national-id", "valueString": NHS}))
    assert (error.status, error.code) == (422, "value")
    assert "must be a valueIdentifier" in error.message


def test_a_parameter_without_a_value_is_refused_as_required():
    error = refusal(parse_find_pregnancy, find_body(edd={"name": "edd"}))
    assert outcome(error) == (422, "required", "Parameters.parameter[2]")


@pytest.mark.parametrize("partial", ["1994", "1994-05"])
def test_a_partial_date_of_birth_is_refused_with_422(partial):
    error = refusal(parse_find_pregnancy, find_body(dob={"name": "dob", "valueDate": partial}))
    assert outcome(error) == (422, "value", "Parameters.parameter[1].valueDate")
    assert f"a full date YYYY-MM-DD is required, got '{partial}'" in error.message


def test_a_find_with_a_partial_edd_is_refused_with_422():
    error = refusal(parse_find_pregnancy, find_body(edd={"name": "edd", "valueDate": "2025-01"}))
    assert (error.status, error.expression) == (422, "Parameters.parameter[2].valueDate")


def test_an_impossible_date_is_refused_with_400_at_the_parameter():
    error = refusal(parse_find_pregnancy, find_body(dob={"name": "dob", "valueDate": "1994-02-30"}))
    assert outcome(error) == (400, "structure", "Parameters.parameter[1].valueDate")
    assert "'1994-02-30'" in error.message


def test_a_date_with_a_time_is_refused_with_400():
    error = refusal(parse_find_pregnancy, find_body(dob={"name": "dob", "valueDate": "1994-05-17T10:00:00Z"}))
    assert (error.status, error.expression) == (400, "Parameters.parameter[1].valueDate")


def test_an_unknown_identifier_system_is_refused_with_422_listing_the_supported_ones():
    error = refusal(
        parse_find_pregnancy, find_body(national_id=national_id("urn:oid:2.16.840.1.113883.4.1", "123"))
    )
    assert (error.status, error.code) == (422, "value")
    assert error.expression == "Parameters.parameter[0].valueIdentifier.system"
    assert "unsupported identifier system 'urn:oid:2.16.840.1.113883.4.1'" in error.message
    for system in (NHS_NUMBER, NO_FNR, NO_DNR, NZ_NHI):
        assert system in error.message


def test_an_identifier_without_a_system_is_refused_as_required():
    body = find_body(national_id={"name": "national-id", "valueIdentifier": {"value": NHS}})
    error = refusal(parse_find_pregnancy, body)
    assert (error.status, error.code) == (422, "required")
    assert error.expression == "Parameters.parameter[0].valueIdentifier.system"


def test_an_identifier_without_a_value_is_refused_as_required():
    body = find_body(national_id={"name": "national-id", "valueIdentifier": {"system": NHS_NUMBER}})
    error = refusal(parse_find_pregnancy, body)
    assert (error.status, error.code) == (422, "required")
    assert error.expression == "Parameters.parameter[0].valueIdentifier.value"


@pytest.mark.parametrize(
    ("system", "value", "message"),
    [
        (NHS_NUMBER, "9434765918", "NHS number 9434765918 fails its check digit"),
        (NO_FNR, FNR[:-1] + str((int(FNR[-1]) + 1) % 10), "fails its check digits"),
        (NO_FNR, DNR, "is a Norwegian D-number"),
        (NZ_NHI, "ZZZ00AA", "New Zealand NHI ZZZ00AA fails its check character"),
    ],
)
def test_a_national_id_failing_its_check_is_refused_with_422_and_the_reason(system, value, message):
    error = refusal(parse_find_pregnancy, find_body(national_id=national_id(system, value)))
    assert (error.status, error.code) == (422, "value")
    assert error.expression == "Parameters.parameter[0].valueIdentifier.value"
    assert message in error.message


@pytest.mark.parametrize("body", [None, [], "Parameters", 42, True], ids=repr)
def test_a_body_that_is_not_an_object_is_refused_with_400(body):
    error = refusal(parse_find_pregnancy, body)
    assert outcome(error) == (400, "structure", None)
    assert "must be a FHIR Parameters resource (a JSON object)" in error.message


def test_a_body_of_another_resource_type_is_refused_with_400():
    error = refusal(parse_find_pregnancy, {"resourceType": "Bundle", "type": "collection"})
    assert (error.status, error.code) == (400, "structure")
    assert error.message == "the body must be a FHIR Parameters resource, got resourceType 'Bundle'"


def test_a_body_without_a_resource_type_is_refused_with_400():
    body = find_body()
    del body["resourceType"]
    error = refusal(parse_find_pregnancy, body)
    assert (error.status, error.message) == (
        400,
        "the body must be a FHIR Parameters resource, got no resourceType",
    )


def test_a_malformed_parameter_list_is_refused_with_400():
    error = refusal(parse_find_pregnancy, {"resourceType": "Parameters", "parameter": {"name": "dob"}})
    assert outcome(error) == (400, "structure", "Parameters.parameter")


def test_a_parameter_without_a_name_is_refused_with_400():
    error = refusal(
        parse_find_pregnancy, {"resourceType": "Parameters", "parameter": [{"valueDate": "1994-05-17"}]}
    )
    assert (error.status, error.expression) == (400, "Parameters.parameter[0].name")


def test_an_unknown_element_is_refused_with_400_naming_where():
    body = find_body()
    body["parameter"][1]["foo"] = "bar"
    error = refusal(parse_find_pregnancy, body)
    assert outcome(error) == (400, "structure", "Parameters.parameter[1].foo")
    assert error.message == "Parameters.parameter[1].foo: Extra inputs are not permitted"


def test_a_parameter_with_two_values_is_refused_with_400():
    body = find_body(dob={"name": "dob", "valueDate": "1994-05-17", "valueString": "1994-05-17"})
    error = refusal(parse_find_pregnancy, body)
    assert (error.status, error.expression) == (400, "Parameters.parameter[1]")


def test_find_all_reads_the_national_id_and_dob():
    assert parse_find_all_pregnancies(find_all_body(national_id=national_id(NO_FNR, FNR))) == FindQuery(
        national_id=NationalId(NO_FNR, FNR, BIRTH), date_of_birth=BIRTH, edd=None, break_glass_reason=""
    )


@pytest.mark.parametrize(("system", "value", "birth_date"), NATIONAL_IDS)
def test_find_all_accepts_each_national_identifier_system(system, value, birth_date):
    query = parse_find_all_pregnancies(find_all_body(national_id=national_id(system, value)))
    assert query.national_id == NationalId(system, value, birth_date)


@pytest.mark.parametrize("name", ["national_id", "dob"])
def test_find_all_without_each_parameter_is_refused_with_422(name):
    error = refusal(parse_find_all_pregnancies, find_all_body(**{name: None}))
    assert (error.status, error.code) == (422, "required")
    assert name.replace("_", "-") in error.message


@pytest.mark.parametrize("name", ["edd", "break_glass_reason", "break_glass_reason_code"])
def test_find_all_refuses_the_parameters_only_find_takes(name):
    only_find = ("edd", "break_glass_reason", "break_glass_reason_code")
    body = find_body(**{other: None for other in only_find if other != name})
    error = refusal(parse_find_all_pregnancies, body)
    assert (error.status, error.code) == (422, "not-supported")
    assert "this operation takes 'national-id', 'dob'" in error.message


def test_find_all_refuses_a_partial_dob_and_a_bad_identifier():
    assert (
        refusal(parse_find_all_pregnancies, find_all_body(dob={"name": "dob", "valueDate": "1994"})).status
        == 422
    )
    error = refusal(
        parse_find_all_pregnancies, find_all_body(national_id=national_id(NHS_NUMBER, "1234567890"))
    )
    assert (error.status, error.code) == (422, "value")


def test_find_all_refuses_a_wrong_resource_type_with_400():
    assert refusal(parse_find_all_pregnancies, {"resourceType": "Patient"}).status == 400


# --- Bundle bodies ----------------------------------------------------------------------------------------


def patient(**elements) -> dict:
    resource = {
        "resourceType": "Patient",
        "identifier": [{"system": NO_FNR, "value": FNR}],
        "birthDate": "1994-05-17",
    }
    resource.update(elements)
    return {k: v for k, v in resource.items() if v is not None}


def observation(profile: str | None = None, *, coding: tuple[str, str] | None = None, **elements) -> dict:
    resource: dict = {"resourceType": "Observation", "status": "final"}
    if profile:
        resource["meta"] = {"profile": [profile]}
    resource["code"] = {"coding": [{"system": coding[0], "code": coding[1]}]} if coding else {"text": "EDD"}
    resource.update(elements)
    return {k: v for k, v in resource.items() if v is not None}


def edd(kind: str = "EDDAgreed", value: str = "2025-01-10", **elements) -> dict:
    return observation(f"{PROFILE}Observation-BNet-Preg-{kind}", valueDateTime=value, **elements)


def care_location(**elements) -> dict:
    elements.setdefault("effectivePeriod", {"start": "2024-06-01T10:00:00+02:00"})
    return observation(f"{PROFILE}Observation-BNet-Preg-ActiveCareLocation", **elements)


def bundle(*resources: dict, bundle_type: str = "collection") -> dict:
    return {"resourceType": "Bundle", "type": bundle_type, "entry": [{"resource": r} for r in resources]}


def test_a_create_bundle_gives_the_patient_the_edds_and_the_start_of_care():
    parsed = parse_pregnancy_bundle(bundle(patient(), edd(), care_location()), creating=True)
    assert parsed.patient.national_id == NationalId(NO_FNR, FNR, BIRTH)
    assert parsed.patient.date_of_birth == BIRTH
    assert parsed.patient.mother == {}
    assert parsed.edds == (Edd(EddKind.AGREED, datetime.date(2025, 1, 10)),)
    assert parsed.care_start == datetime.datetime(2024, 6, 1, 8, 0, tzinfo=datetime.UTC)


def test_a_bundle_remembers_the_element_each_value_was_read_from():
    sent = patient(
        identifier=[{"system": "urn:local", "value": "7"}, {"system": NO_FNR, "value": FNR}],
        name=[{"use": "old", "text": "Kari Old"}, {"use": "official", "text": "Kari Nordmann"}],
        address=[
            {"use": "old", "city": "Bergen"},
            {"line": ["Elgeseter gate 10"], "postalCode": "7030", "city": "X"},
        ],
        communication=[{"language": {"coding": [{"code": "en"}]}}],
        extension=[{"url": INTERPRETER_REQUIRED, "valueBoolean": True}],
    )
    start = care_location(effectivePeriod=None, effectiveDateTime="2024-06-01T10:00:00+02:00")

    parsed = parse_pregnancy_bundle(bundle(edd(), start, sent), creating=True)

    at = "Bundle.entry[2].resource"
    assert parsed.patient.places == {
        "date_of_birth": f"{at}.birthDate",
        "national_id": f"{at}.identifier[1]",
        "name": f"{at}.name[1]",
        "address": f"{at}.address[1].line",
        "post_number": f"{at}.address[1].postalCode",
        "post_name": f"{at}.address[1].city",
        "language": f"{at}.communication[0].language",
        "needs_language_interpreter": f"{at}.extension[0].valueBoolean",
    }
    assert [e.at for e in parsed.edds] == ["Bundle.entry[0].resource.valueDateTime"]
    assert parsed.care_start_at == "Bundle.entry[1].resource.effectiveDateTime"


@pytest.mark.parametrize(
    "body, path, expression",
    [
        (
            {"resourceType": "Bundle"},
            "entry[0].resource.name[0].text",
            "Bundle.entry[0].resource.name[0].text",
        ),
        ({"resourceType": "Parameters"}, "parameter[3].valueString", "Parameters.parameter[3].valueString"),
        ({"resourceType": "Bundle"}, "", "Bundle"),
        ({"resourceType": "Bundle"}, "entry[0].re%1Bsource.name", "Bundle.entry[0]"),  # no element name
        ({"resourceType": "Bundle"}, "entry[0].my key", "Bundle.entry[0]"),
        ({"resourceType": "NoSuchType"}, "entry[0]", None),
        ({"parameter": []}, "parameter[0].name", None),
        (["not", "a", "resource"], "[0]", None),
    ],
)
def test_a_place_in_a_json_body_becomes_fhirpath_from_the_bodys_resource_type(body, path, expression):
    assert body_fhirpath(body, path) == expression


@pytest.mark.parametrize(("system", "value", "birth_date"), NATIONAL_IDS)
def test_a_create_bundle_accepts_each_national_identifier_system(system, value, birth_date):
    body = bundle(patient(identifier=[{"system": system, "value": value}]), edd())
    assert parse_pregnancy_bundle(body, creating=True).patient.national_id == NationalId(
        system, value, birth_date
    )


@pytest.mark.parametrize("bundle_type", ["collection", "transaction", "batch", "message", "document"])
def test_a_bundle_of_each_accepted_type_is_read(bundle_type):
    assert parse_pregnancy_bundle(bundle(edd(), bundle_type=bundle_type), creating=False).edds


def test_a_searchset_bundle_is_refused_with_422_not_supported():
    error = refusal(parse_pregnancy_bundle, bundle(edd(), bundle_type="searchset"), creating=False)
    assert outcome(error) == (422, "not-supported", "Bundle.type")


def test_a_bundle_of_a_type_fhir_does_not_know_is_refused_with_400():
    error = refusal(parse_pregnancy_bundle, bundle(edd(), bundle_type="collektion"), creating=False)
    assert outcome(error) == (400, "structure", "Bundle.type")


def test_an_update_may_send_only_an_active_care_location():
    parsed = parse_pregnancy_bundle(bundle(care_location()), creating=False)
    assert parsed.patient is None
    assert parsed.edds == ()
    assert parsed.care_start is not None


def test_an_update_may_send_a_patient_without_identifier_or_birth_date():
    parsed = parse_pregnancy_bundle(
        bundle(patient(identifier=None, birthDate=None, name=[{"text": "Kari"}])), creating=False
    )
    assert parsed.patient.national_id is None
    assert parsed.patient.date_of_birth is None
    assert parsed.patient.mother == {"name": "Kari"}


@pytest.mark.parametrize(
    "body", [bundle(), {"resourceType": "Bundle", "type": "collection"}], ids=["empty", "no-entry"]
)
def test_an_update_with_no_entries_is_refused_with_422(body):
    error = refusal(parse_pregnancy_bundle, body, creating=False)
    assert outcome(error) == (422, "required", "Bundle.entry")


def test_an_entry_without_a_resource_is_refused_with_422():
    body = {"resourceType": "Bundle", "type": "collection", "entry": [{"fullUrl": "urn:uuid:1"}]}
    error = refusal(parse_pregnancy_bundle, body, creating=False)
    assert outcome(error) == (422, "required", "Bundle.entry[0].resource")


def test_a_bundle_with_an_unsupported_resource_is_refused_with_422_naming_it():
    body = bundle(patient(), edd(), {"resourceType": "Organization", "name": "Ward 1"})
    error = refusal(parse_pregnancy_bundle, body, creating=True)
    assert outcome(error) == (422, "not-supported", "Bundle.entry[2].resource")
    assert "Organization is not supported here" in error.message


def test_a_bundle_with_a_resource_type_fhir_does_not_know_is_refused_with_400():
    error = refusal(parse_pregnancy_bundle, bundle(patient(), {"resourceType": "Pregnancy"}), creating=False)
    assert (error.status, error.code) == (400, "structure")
    assert error.expression == "Bundle.entry[1].resource.resourceType"
    assert "'Pregnancy' is not a FHIR R4 resource type" in error.message


def test_a_contained_resource_of_an_unknown_type_is_refused_with_400():
    body = bundle(patient(contained=[{"resourceType": "Nope"}]))
    error = refusal(parse_pregnancy_bundle, body, creating=False)
    assert (error.status, error.expression) == (400, "Bundle.entry[0].resource.contained[0].resourceType")


def test_an_unknown_element_in_a_bundle_is_refused_with_400_naming_where():
    error = refusal(parse_pregnancy_bundle, bundle(patient(foo="bar"), edd()), creating=True)
    assert outcome(error) == (400, "structure", "Bundle.entry[0].resource.foo")
    assert error.message == "Bundle.entry[0].resource.foo: Extra inputs are not permitted"


def test_a_bundle_body_that_is_not_an_object_or_not_a_bundle_is_refused_with_400():
    assert refusal(parse_pregnancy_bundle, [patient()], creating=True).status == 400
    error = refusal(parse_pregnancy_bundle, patient(), creating=True)
    assert (error.status, error.message) == (
        400,
        "the body must be a FHIR Bundle resource, got resourceType 'Patient'",
    )


def test_a_bundle_without_a_type_is_refused_with_400():
    error = refusal(
        parse_pregnancy_bundle, {"resourceType": "Bundle", "entry": [{"resource": edd()}]}, creating=False
    )
    assert (error.status, error.expression) == (400, "Bundle.type")


def test_an_observation_without_a_code_is_refused_with_400():
    resource = edd()
    del resource["code"]
    error = refusal(parse_pregnancy_bundle, bundle(resource), creating=False)
    assert (error.status, error.expression) == (400, "Bundle.entry[0].resource.code")


def test_an_unrecognised_observation_is_refused_with_422_not_supported():
    body = bundle(
        patient(), edd(), observation(coding=("http://loinc.org", "8302-2"), valueQuantity={"value": 170})
    )
    error = refusal(parse_pregnancy_bundle, body, creating=True)
    assert outcome(error) == (422, "not-supported", "Bundle.entry[2].resource")
    assert "unrecognised Observation" in error.message
    assert "11778-8" in error.message


def test_an_observation_whose_codings_name_two_kinds_is_refused_with_422():
    resource = observation(valueDateTime="2025-01-10")
    resource["code"] = {
        "coding": [
            {"system": "http://loinc.org", "code": "11778-8"},
            {"system": "http://loinc.org", "code": "11779-6"},
        ]
    }
    error = refusal(parse_pregnancy_bundle, bundle(resource), creating=False)
    assert outcome(error) == (422, "invalid", "Bundle.entry[0].resource.code.coding")


def test_creating_without_a_patient_is_refused_with_422():
    error = refusal(parse_pregnancy_bundle, bundle(edd()), creating=True)
    assert (error.status, error.code) == (422, "required")
    assert "needs a Patient with a national identifier and birthDate" in error.message


def test_creating_without_a_national_identifier_is_refused_with_422():
    body = bundle(patient(identifier=[{"system": "urn:oid:2.16.578.1.12.4.1.2.1", "value": "123"}]), edd())
    error = refusal(parse_pregnancy_bundle, body, creating=True)
    assert outcome(error) == (422, "required", "Bundle.entry[0].resource.identifier")
    assert NZ_NHI in error.message


def test_creating_without_a_birth_date_is_refused_with_422():
    error = refusal(parse_pregnancy_bundle, bundle(patient(birthDate=None), edd()), creating=True)
    assert outcome(error) == (422, "required", "Bundle.entry[0].resource.birthDate")


def test_creating_without_an_edd_is_refused_with_422_saying_so():
    error = refusal(parse_pregnancy_bundle, bundle(patient(), care_location()), creating=True)
    assert outcome(error) == (422, "required", "Bundle.entry")
    assert "needs an EDD Observation (EDDAgreed, EDDbyScan or EDDbyDate)" in error.message


@pytest.mark.parametrize(
    ("profile", "kind"),
    [
        (f"{PROFILE}Observation-BNet-Preg-EDDAgreed", EddKind.AGREED),
        (f"{PROFILE}Observation-BNet-Preg-EDDbyScan", EddKind.SCAN),
        (f"{PROFILE}Observation-BNet-Preg-EDDbyDate", EddKind.DATE),
        (f"{PROFILE}Observation-BNet-Preg-EDDbyScan|1.0.0", EddKind.SCAN),
        (f"{PROFILE}BNetPregObs_EDDAgreed", EddKind.AGREED),
        ("https://example.org/fhir/StructureDefinition/BNetPregObs_EDDbyScan", EddKind.SCAN),
        (f"{PROFILE}BNetPregObs_EDDbyDate", EddKind.DATE),
    ],
)
def test_an_edd_kind_is_recognised_by_its_profile(profile, kind):
    parsed = parse_pregnancy_bundle(bundle(observation(profile, valueDateTime="2025-01-10")), creating=False)
    assert parsed.edds == (Edd(kind, datetime.date(2025, 1, 10)),)


@pytest.mark.parametrize(
    ("code", "kind"), [("11778-8", EddKind.AGREED), ("11781-2", EddKind.SCAN), ("11779-6", EddKind.DATE)]
)
def test_an_edd_kind_is_recognised_by_its_loinc_code(code, kind):
    resource = observation(coding=("http://loinc.org", code), valueDateTime="2025-01-10")
    assert parse_pregnancy_bundle(bundle(resource), creating=False).edds == (
        Edd(kind, datetime.date(2025, 1, 10)),
    )


def test_the_profile_wins_over_the_code():
    resource = edd("EDDbyDate", coding=("http://loinc.org", "11778-8"))
    assert parse_pregnancy_bundle(bundle(resource), creating=False).edds[0].kind == EddKind.DATE


def test_edds_come_back_one_per_kind_in_kind_order():
    body = bundle(
        edd("EDDbyDate", "2025-01-12"), edd("EDDAgreed", "2025-01-10"), edd("EDDbyScan", "2025-01-11")
    )
    assert parse_pregnancy_bundle(body, creating=False).edds == (
        Edd(EddKind.AGREED, datetime.date(2025, 1, 10)),
        Edd(EddKind.SCAN, datetime.date(2025, 1, 11)),
        Edd(EddKind.DATE, datetime.date(2025, 1, 12)),
    )


def test_two_edds_of_one_kind_are_refused_with_422():
    error = refusal(parse_pregnancy_bundle, bundle(edd(), edd(value="2025-01-11")), creating=False)
    assert outcome(error) == (422, "invalid", "Bundle.entry[1].resource")


def test_an_edd_with_a_time_keeps_the_date_as_written():
    parsed = parse_pregnancy_bundle(bundle(edd(value="2025-01-10T23:30:00+13:00")), creating=False)
    assert parsed.edds[0].date == datetime.date(2025, 1, 10)


@pytest.mark.parametrize("status", ["final", "amended", "corrected", "preliminary"])
def test_an_edd_of_each_usable_status_is_accepted(status):
    assert parse_pregnancy_bundle(bundle(edd(status=status)), creating=False).edds


@pytest.mark.parametrize("status", ["registered", "cancelled", "entered-in-error", "unknown"])
def test_an_edd_of_another_status_is_refused_with_422(status):
    error = refusal(parse_pregnancy_bundle, bundle(edd(status=status)), creating=False)
    assert outcome(error) == (422, "value", "Bundle.entry[0].resource.status")


def test_an_edd_without_a_value_date_time_is_refused_with_422_required():
    resource = edd(value=None, valueString="2025-01-10")
    error = refusal(parse_pregnancy_bundle, bundle(resource), creating=False)
    assert outcome(error) == (422, "required", "Bundle.entry[0].resource.valueDateTime")
    assert "has no valueDate" in error.message


def test_an_edd_with_an_effective_date_but_no_value_is_refused():
    resource = edd(value=None, effectiveDateTime="2025-01-10")
    assert refusal(parse_pregnancy_bundle, bundle(resource), creating=False).code == "required"


def test_a_value_date_on_an_observation_is_refused_with_400():
    resource = edd(value=None, valueDate="2025-01-10")
    error = refusal(parse_pregnancy_bundle, bundle(resource), creating=False)
    assert (error.status, error.expression) == (400, "Bundle.entry[0].resource.valueDate")


@pytest.mark.parametrize("partial", ["2025", "2025-01"])
def test_an_edd_observation_with_a_partial_date_is_refused_with_422(partial):
    error = refusal(parse_pregnancy_bundle, bundle(edd(value=partial)), creating=False)
    assert outcome(error) == (422, "value", "Bundle.entry[0].resource.valueDateTime")


def test_an_impossible_edd_is_refused_with_400():
    error = refusal(parse_pregnancy_bundle, bundle(edd(value="2025-02-30")), creating=False)
    assert (error.status, error.expression) == (400, "Bundle.entry[0].resource.valueDateTime")


def test_the_start_of_care_is_read_from_effective_period_start_in_utc():
    resource = care_location(effectivePeriod={"start": "2024-06-01T10:00:00.1234567+13:00"})
    care_start = parse_pregnancy_bundle(bundle(resource), creating=False).care_start
    assert care_start == datetime.datetime(2024, 5, 31, 21, 0, 0, 123456, tzinfo=datetime.UTC)
    assert care_start.utcoffset() == datetime.timedelta(0)


def test_the_start_of_care_is_read_from_effective_date_time():
    resource = care_location(effectivePeriod=None, effectiveDateTime="2024-06-01T10:00:00Z")
    care_start = parse_pregnancy_bundle(bundle(resource), creating=False).care_start
    assert care_start == datetime.datetime(2024, 6, 1, 10, 0, tzinfo=datetime.UTC)


def test_a_start_of_care_with_only_a_date_is_midnight_utc():
    resource = care_location(effectivePeriod={"start": "2024-06-01"})
    care_start = parse_pregnancy_bundle(bundle(resource), creating=False).care_start
    assert care_start == datetime.datetime(2024, 6, 1, 0, 0, tzinfo=datetime.UTC)


def test_the_active_care_location_is_recognised_by_its_old_profile_and_by_snomed():
    old = observation(f"{PROFILE}BNetPregObs_ActiveCareLocation", effectiveDateTime="2024-06-01")
    coded = observation(coding=("http://snomed.info/sct", "43741000"), effectiveDateTime="2024-06-01")
    for resource in (old, coded):
        assert parse_pregnancy_bundle(bundle(resource), creating=False).care_start is not None


def test_the_performer_and_value_of_the_active_care_location_are_ignored():
    resource = care_location(
        performer=[{"reference": "Organization/elsewhere"}], valueString="Somewhere else"
    )
    assert parse_pregnancy_bundle(bundle(resource), creating=False).care_start is not None


@pytest.mark.parametrize("status", ["preliminary", "amended", "registered"])
def test_an_active_care_location_that_is_not_final_is_refused_with_422(status):
    error = refusal(parse_pregnancy_bundle, bundle(care_location(status=status)), creating=False)
    assert outcome(error) == (422, "value", "Bundle.entry[0].resource.status")
    assert "must have status 'final'" in error.message


def test_an_active_care_location_without_a_start_is_refused_with_422():
    for resource in (
        care_location(effectivePeriod=None),
        care_location(effectivePeriod={"end": "2024-07-01"}),
    ):
        error = refusal(parse_pregnancy_bundle, bundle(resource), creating=False)
        assert outcome(error) == (422, "required", "Bundle.entry[0].resource.effective")


def test_a_partial_start_of_care_is_refused_with_422():
    error = refusal(
        parse_pregnancy_bundle, bundle(care_location(effectivePeriod={"start": "2024-06"})), creating=False
    )
    assert (error.status, error.code) == (422, "value")
    assert error.expression == "Bundle.entry[0].resource.effectivePeriod.start"


def test_a_start_of_care_with_a_time_but_no_offset_is_refused_with_400():
    resource = care_location(effectivePeriod=None, effectiveDateTime="2024-06-01T10:00:00")
    assert refusal(parse_pregnancy_bundle, bundle(resource), creating=False).status == 400


def test_two_active_care_locations_are_refused_with_422():
    error = refusal(parse_pregnancy_bundle, bundle(care_location(), care_location()), creating=False)
    assert outcome(error) == (422, "invalid", "Bundle.entry[1].resource")


def test_two_patients_are_refused_with_422():
    error = refusal(parse_pregnancy_bundle, bundle(patient(), patient(), edd()), creating=True)
    assert outcome(error) == (422, "invalid", "Bundle.entry[1].resource")
    assert "a second Patient" in error.message


# --- Patient -> mother fields -----------------------------------------------------------------------------


def mother_of(**elements) -> dict:
    parsed = parse_pregnancy_bundle(bundle(patient(**elements), edd()), creating=True)
    return parsed.patient.mother


def test_the_patient_id_is_accepted_and_ignored():
    parsed = parse_pregnancy_bundle(bundle(patient(id="a1b2c3"), edd()), creating=True)
    assert parsed.patient.mother == {}


def test_the_name_text_is_the_mothers_name():
    assert mother_of(name=[{"use": "official", "text": "Kari  Nordmann", "given": ["K"], "family": "N"}]) == {
        "name": "Kari Nordmann"
    }


def test_without_text_the_name_is_given_names_then_family():
    assert mother_of(name=[{"given": ["Kari", "Anne"], "family": "Nordmann"}])["name"] == "Kari Anne Nordmann"


def test_the_official_or_usual_name_wins_over_a_nickname_or_old_name():
    names = [
        {"use": "nickname", "text": "Kaz"},
        {"use": "old", "family": "Hansen", "given": ["Kari"]},
        {"use": "usual", "family": "Nordmann", "given": ["Kari"]},
    ]
    assert mother_of(name=names)["name"] == "Kari Nordmann"


def test_only_a_nickname_gives_no_name():
    assert "name" not in mother_of(name=[{"use": "nickname", "text": "Kaz"}])


def test_the_address_lines_postal_code_and_city_map_to_the_mother():
    address = [
        {"use": "old", "line": ["Gamleveien 2"], "postalCode": "5003", "city": "Bergen"},
        {"use": "home", "line": ["Storgata 1", "H0101"], "postalCode": "0155", "city": "Oslo"},
    ]
    assert mother_of(address=address) == {
        "address": "Storgata 1, H0101",
        "post_number": "0155",
        "post_name": "Oslo",
    }


def test_only_the_address_parts_present_are_mapped():
    assert mother_of(address=[{"city": "Oslo"}]) == {"post_name": "Oslo"}


@pytest.mark.parametrize(
    ("code", "language"), [("no", "NO"), ("EN", "EN"), ("nb-NO", "NB"), ("so", "SO"), ("mi", "MI")]
)
def test_the_communication_language_maps_to_volven_3303_case_insensitively(code, language):
    communication = [{"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": code}]}}]
    assert mother_of(communication=communication) == {"language": language}
    assert language in LANGUAGE.codes


def test_the_preferred_communication_language_wins():
    communication = [
        {"language": {"coding": [{"code": "en"}]}},
        {"language": {"coding": [{"code": "ar"}]}, "preferred": True},
    ]
    assert mother_of(communication=communication)["language"] == "AR"


def test_an_unknown_language_is_refused_with_422_naming_it_and_the_valid_ones():
    communication = [{"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "xx"}]}}]
    error = refusal(
        parse_pregnancy_bundle, bundle(patient(communication=communication), edd()), creating=True
    )
    assert (error.status, error.code) == (422, "value")
    assert error.expression == "Bundle.entry[0].resource.communication[0].language.coding[0].code"
    assert "unknown language 'xx'" in error.message
    assert "NO, NB, NN" in error.message


def test_a_language_with_only_text_is_refused_as_required():
    communication = [{"language": {"text": "Norwegian"}}]
    error = refusal(parse_pregnancy_bundle, bundle(patient(communication=communication)), creating=False)
    assert (error.status, error.code) == (422, "required")


@pytest.mark.parametrize("needed", [True, False])
def test_the_interpreter_required_extension_maps_to_the_mother(needed):
    extension = [{"url": INTERPRETER_REQUIRED, "valueBoolean": needed}]
    assert mother_of(extension=extension) == {"needs_language_interpreter": needed}


def test_an_interpreter_extension_without_a_boolean_is_refused_with_422():
    extension = [{"url": INTERPRETER_REQUIRED, "valueString": "yes"}]
    error = refusal(parse_pregnancy_bundle, bundle(patient(extension=extension)), creating=False)
    assert (error.status, error.expression) == (422, "Bundle.entry[0].resource.extension[0]")


def test_other_patient_elements_are_accepted_and_ignored():
    other = {
        "gender": "female",
        "telecom": [{"system": "phone", "value": "+47 22 00 00 00"}],
        "maritalStatus": {"text": "Married"},
        "extension": [{"url": "https://example.org/ethnicity", "valueString": "x"}],
    }
    assert mother_of(**other) == {}


def test_a_full_patient_maps_every_mother_field():
    mother = mother_of(
        name=[{"use": "official", "given": ["Kari"], "family": "Nordmann"}],
        address=[{"line": ["Storgata 1"], "postalCode": "0155", "city": "Oslo"}],
        communication=[{"language": {"coding": [{"code": "pl"}]}}],
        extension=[{"url": INTERPRETER_REQUIRED, "valueBoolean": True}],
    )
    assert mother == {
        "name": "Kari Nordmann",
        "address": "Storgata 1",
        "post_number": "0155",
        "post_name": "Oslo",
        "language": "PL",
        "needs_language_interpreter": True,
    }


def test_local_and_old_identifiers_are_ignored_beside_the_national_one():
    identifiers = [
        {"system": "https://example.org/mrn", "value": "MRN-1"},
        {"use": "old", "system": NZ_NHI, "value": "ZZZ0016"},
        {"system": NZ_NHI, "value": NHI},
    ]
    parsed = parse_pregnancy_bundle(bundle(patient(identifier=identifiers), edd()), creating=True)
    assert parsed.patient.national_id == NationalId(NZ_NHI, NHI)


def test_a_patient_with_two_national_identifiers_is_refused_with_422():
    identifiers = [{"system": NO_FNR, "value": FNR}, {"system": NHS_NUMBER, "value": NHS}]
    error = refusal(parse_pregnancy_bundle, bundle(patient(identifier=identifiers), edd()), creating=True)
    assert outcome(error) == (422, "invalid", "Bundle.entry[0].resource.identifier")
    assert "2 national identifiers" in error.message


def test_a_patient_national_identifier_failing_its_check_is_refused_with_422():
    body = bundle(patient(identifier=[{"system": NHS_NUMBER, "value": "9434765918"}]), edd())
    error = refusal(parse_pregnancy_bundle, body, creating=True)
    assert (error.status, error.code) == (422, "value")
    assert error.expression == "Bundle.entry[0].resource.identifier[0].value"
    assert "fails its check digit" in error.message


def test_a_patient_national_identifier_without_a_value_is_refused_with_422():
    body = bundle(patient(identifier=[{"system": NHS_NUMBER}]), edd())
    error = refusal(parse_pregnancy_bundle, body, creating=True)
    assert outcome(error) == (422, "required", "Bundle.entry[0].resource.identifier[0].value")


@pytest.mark.parametrize("partial", ["1994", "1994-05"])
def test_a_partial_birth_date_is_refused_with_422(partial):
    error = refusal(parse_pregnancy_bundle, bundle(patient(birthDate=partial), edd()), creating=True)
    assert outcome(error) == (422, "value", "Bundle.entry[0].resource.birthDate")
    assert "a full date YYYY-MM-DD is required" in error.message


def test_an_impossible_birth_date_is_refused_with_400():
    error = refusal(parse_pregnancy_bundle, bundle(patient(birthDate="1994-02-30"), edd()), creating=True)
    assert outcome(error) == (400, "structure", "Bundle.entry[0].resource.birthDate")


# --- the DRF parser -------------------------------------------------------------------------------------


def test_the_fhir_json_parser_reads_application_fhir_json():
    assert FhirJsonParser.media_type == "application/fhir+json"
    assert FhirJsonParser().parse(io.BytesIO(b'{"resourceType": "Parameters"}')) == {
        "resourceType": "Parameters"
    }


def test_the_fhir_json_parser_refuses_malformed_json_with_a_parse_error():
    with pytest.raises(ParseError):
        FhirJsonParser().parse(io.BytesIO(b'{"resourceType": '))
