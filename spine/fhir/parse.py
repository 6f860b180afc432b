"""Read the bodies of the Spine's FHIR operations into plain dataclasses.

Two steps: fhir.resources (R4B, the R4-compatible release) checks that the body is FHIR R4 at all, and a
failure there is a 400; then the functions here apply the operation's own rules, and a failure is a 422.
Every refusal is a FhirInvalid naming the place (FHIRPath) and what to change; nothing else escapes.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.parameters import Parameters, ParametersParameter
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.resource import Resource
from pydantic import ValidationError

from maternity.rules.codes import LANGUAGE
from maternity.rules.identifiers import SYSTEM_LABELS, InvalidIdentifier, NationalId, parse_national_id
from maternity.services.finding import reason_codes_listed

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
PROFILE_BASE = "https://fhir.clevermed.com/StructureDefinition/"
PROFILE_PATIENT = f"{PROFILE_BASE}Patient-BNet-Preg"
PROFILE_EDD_AGREED = f"{PROFILE_BASE}Observation-BNet-Preg-EDDAgreed"
PROFILE_EDD_BY_SCAN = f"{PROFILE_BASE}Observation-BNet-Preg-EDDbyScan"
PROFILE_EDD_BY_DATE = f"{PROFILE_BASE}Observation-BNet-Preg-EDDbyDate"
PROFILE_ACTIVE_CARE_LOCATION = f"{PROFILE_BASE}Observation-BNet-Preg-ActiveCareLocation"
LOINC_EDD_AGREED = "11778-8"
LOINC_EDD_BY_SCAN = "11781-2"
LOINC_EDD_BY_DATE = "11779-6"
SNOMED_ACTIVE_CARE_LOCATION = "43741000"
INTERPRETER_REQUIRED = "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired"


class FhirInvalid(Exception):
    """Input we cannot accept.

    status: 400 for a body that is not valid FHIR R4 (malformed, wrong resourceType, unknown element, bad
    date); 422 for valid FHIR that breaks a rule (missing parameter, unknown identifier system, national ID
    failing its check digits, no EDD Observation, unsupported resource in a Bundle).
    code: an OperationOutcome issue type ("structure", "invalid", "value", "required", "not-supported",
    "business-rule").
    expression: where, as FHIRPath, e.g. "Parameters.parameter[2].valueDate" or
    "Bundle.entry[0].resource.identifier" (may be None).
    message: a clear diagnostic a developer can act on; it starts with the expression when there is one.
    """

    def __init__(
        self, message: str, *, status: int = 422, code: str = "invalid", expression: str | None = None
    ):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.expression = expression


# Each dataclass below also says where its values were read, as FHIRPath (`places`, `at`, `care_start_at`),
# so a refusal by the record's services can point at the element that caused it (views.py). Not part of the
# value (compare=False): two queries asking the same are equal wherever their parts were.


@dataclass(frozen=True)
class FindQuery:
    national_id: NationalId
    date_of_birth: datetime.date
    edd: datetime.date | None  # None for $find-all-pregnancies
    break_glass_reason: str  # "" for $find-all-pregnancies
    break_glass_reason_code: str = ""  # "" for $find-all-pregnancies
    # parameter name -> its value element, "Parameters.parameter[2].valueDate"
    places: dict[str, str] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class PatientData:
    national_id: NationalId | None
    date_of_birth: datetime.date | None
    mother: dict[str, object]  # Mother field name -> value, only for the elements the Patient carries
    # Mother's field names, "date_of_birth" and "national_id" -> the element each was read from
    places: dict[str, str] = field(default_factory=dict, compare=False)


class EddKind(StrEnum):
    AGREED = "agreed"
    SCAN = "scan"
    DATE = "date"


@dataclass(frozen=True)
class Edd:
    kind: EddKind
    date: datetime.date
    at: str = field(default="", compare=False)  # its valueDateTime, "Bundle.entry[1].resource.valueDateTime"


@dataclass(frozen=True)
class PregnancyBundle:
    patient: PatientData | None
    edds: tuple[Edd, ...]  # at most one per kind, in EddKind order
    care_start: datetime.datetime | None  # in UTC
    care_start_at: str = field(default="", compare=False)  # the element it was read from


# --- $find-pregnancy and $find-all-pregnancies ---------------------------------------------------------


def parse_find_pregnancy(body: object) -> FindQuery:
    """The Parameters of Patient/$find-pregnancy: national-id, dob, edd, break-glass-reason (valueString:
    why, in a sentence) and break-glass-reason-code (valueCode), all mandatory. The reason is read as sent
    (trimmed); whether it is a good enough reason is the find's rule (`break_glass_reason_check`)."""
    values, places = _read_parameters(
        body, ("national-id", "dob", "edd", "break-glass-reason", "break-glass-reason-code")
    )
    return FindQuery(
        national_id=values["national-id"],
        date_of_birth=values["dob"],
        edd=values["edd"],
        break_glass_reason=values["break-glass-reason"],
        break_glass_reason_code=values["break-glass-reason-code"],
        places=places,
    )


def parse_find_all_pregnancies(body: object) -> FindQuery:
    """The Parameters of Patient/$find-all-pregnancies: national-id and dob, both mandatory."""
    values, places = _read_parameters(body, ("national-id", "dob"))
    return FindQuery(
        national_id=values["national-id"],
        date_of_birth=values["dob"],
        edd=None,
        break_glass_reason="",
        places=places,
    )


def _read_parameters(body: object, names: tuple[str, ...]) -> tuple[dict, dict[str, str]]:
    """(values, places): each parameter's value and the FHIRPath of its value element, by name."""
    parameters = _validate(Parameters, body)
    values: dict[str, object] = {}
    places: dict[str, str] = {}
    for index, parameter in enumerate(parameters.parameter or []):
        where = f"Parameters.parameter[{index}]"
        name = parameter.name
        if name not in names:
            raise _refuse(
                f"{where}.name",
                f"unknown parameter {name!r}: this operation takes {_listed(names)}",
                code="not-supported",
            )
        if name in values:
            raise _refuse(where, f"parameter {name!r} is given more than once", code="invalid")
        element, read = _PARAMETER_READERS[name]
        places[name] = f"{where}.{element}"
        values[name] = read(_parameter_value(parameter, element, where), places[name])
    missing = [name for name in names if name not in values]
    if missing:
        hints = "".join(f"; {_MISSING_HINTS[name]()}" for name in missing if name in _MISSING_HINTS)
        raise _refuse(
            "Parameters.parameter",
            f"missing required parameter{'s' if len(missing) > 1 else ''} {_listed(missing)}{hints}",
            code="required",
        )
    return values, places


def _parameter_value(parameter: ParametersParameter, element: str, where: str) -> object:
    value = getattr(parameter, element)
    if value is not None:
        return value
    given = [
        field
        for field in type(parameter).model_fields
        if (field.startswith("value") or field in ("resource", "part"))
        and not field.endswith("__ext")
        and getattr(parameter, field) is not None
    ]
    if not given:
        raise _refuse(where, f"parameter {parameter.name!r} needs a {element}", code="required")
    raise _refuse(where, f"parameter {parameter.name!r} must be a {element}, got {given[0]}", code="value")


def _read_national_id_parameter(identifier: Identifier, where: str) -> NationalId:
    if not identifier.system:
        raise _refuse(
            f"{where}.system",
            f"the identifier system is required: one of {_supported_systems()}",
            code="required",
        )
    if not identifier.value:
        raise _refuse(f"{where}.value", "the identifier value is required", code="required")
    return _national_id(identifier.system, identifier.value, where)


def _read_trimmed(value: str, where: str) -> str:
    return value.strip()


_MISSING_HINTS = {
    "break-glass-reason-code": lambda: (
        f"break-glass-reason-code is a valueCode, one of {reason_codes_listed()}"
    )
}


# --- $create-pregnancy and $update-pregnancy --------------------------------------------------------------

_ACTIVE_CARE_LOCATION = "ActiveCareLocation"
_OBSERVATION_PROFILES: dict[str, EddKind | str] = {
    PROFILE_EDD_AGREED: EddKind.AGREED,
    PROFILE_EDD_BY_SCAN: EddKind.SCAN,
    PROFILE_EDD_BY_DATE: EddKind.DATE,
    PROFILE_ACTIVE_CARE_LOCATION: _ACTIVE_CARE_LOCATION,
}
_OLD_OBSERVATION_PROFILE_NAMES: dict[str, EddKind | str] = {
    "BNetPregObs_EDDAgreed": EddKind.AGREED,
    "BNetPregObs_EDDbyScan": EddKind.SCAN,
    "BNetPregObs_EDDbyDate": EddKind.DATE,
    "BNetPregObs_ActiveCareLocation": _ACTIVE_CARE_LOCATION,
}
_OBSERVATION_CODES: dict[tuple[str | None, str | None], EddKind | str] = {  # (system, code)
    (LOINC, LOINC_EDD_AGREED): EddKind.AGREED,
    (LOINC, LOINC_EDD_BY_SCAN): EddKind.SCAN,
    (LOINC, LOINC_EDD_BY_DATE): EddKind.DATE,
    (SNOMED, SNOMED_ACTIVE_CARE_LOCATION): _ACTIVE_CARE_LOCATION,
}
_EDD_STATUSES = ("final", "amended", "corrected", "preliminary")
_ACCEPTED_BUNDLE_TYPES = ("collection", "transaction", "batch", "message", "document")
_OTHER_BUNDLE_TYPES = ("transaction-response", "batch-response", "history", "searchset")
_RECOGNISED_OBSERVATIONS = (
    f"meta.profile {PROFILE_BASE}Observation-BNet-Preg-<EDDAgreed|EDDbyScan|EDDbyDate|ActiveCareLocation> "
    f"or code.coding LOINC {LOINC_EDD_AGREED} (EDD agreed), {LOINC_EDD_BY_SCAN} (EDD by scan), "
    f"{LOINC_EDD_BY_DATE} (EDD by date) or SNOMED {SNOMED_ACTIVE_CARE_LOCATION} (active care location)"
)


def parse_pregnancy_bundle(body: object, *, creating: bool) -> PregnancyBundle:
    """The Bundle of Patient/$create-pregnancy (creating=True: a Patient with a national identifier and
    birthDate, and at least one EDD Observation, are required) or Patient/{id}/$update-pregnancy
    (creating=False: anything, as long as there is at least one entry). Patient.id, if given, is ignored."""
    bundle = _validate(Bundle, body)
    _check_bundle_type(bundle.type)
    entries = bundle.entry or []
    if not entries:
        raise _refuse(
            "Bundle.entry", "the Bundle has no entries: send a Patient and/or Observations", code="required"
        )
    patient: PatientData | None = None
    patient_at = ""
    edds: dict[EddKind, Edd] = {}
    care_start: datetime.datetime | None = None
    care_start_at = care_start_in = ""
    for index, entry in enumerate(entries):
        where = f"Bundle.entry[{index}].resource"
        resource = entry.resource
        if resource is None:
            raise _refuse(
                where, "every entry needs a resource (a Patient or an Observation)", code="required"
            )
        if isinstance(resource, Patient):
            if patient is not None:
                raise _refuse(
                    where, f"a second Patient (the first is {patient_at}): send one", code="invalid"
                )
            patient, patient_at = _read_patient(resource, where), where
        elif isinstance(resource, Observation):
            kind = _observation_kind(resource, where)
            if isinstance(kind, EddKind):
                if kind in edds:
                    raise _refuse(where, f"a second EDD Observation of kind {kind}: send one", code="invalid")
                edds[kind] = _read_edd(resource, kind, where)
            else:  # _ACTIVE_CARE_LOCATION
                if care_start is not None:
                    raise _refuse(
                        where,
                        f"a second ActiveCareLocation Observation (the first is {care_start_in}): send one",
                        code="invalid",
                    )
                (care_start, care_start_at), care_start_in = _read_care_start(resource, where), where
        else:
            raise _refuse(
                where,
                f"{resource.get_resource_type()} is not supported here: the Bundle may hold one Patient and "
                "Observations (EDDAgreed, EDDbyScan, EDDbyDate, ActiveCareLocation)",
                code="not-supported",
            )
    if creating:
        _check_creatable(patient, patient_at, edds)
    return PregnancyBundle(
        patient=patient,
        edds=tuple(edds[kind] for kind in EddKind if kind in edds),
        care_start=care_start,
        care_start_at=care_start_at,
    )


def _check_bundle_type(bundle_type: str | None) -> None:
    if bundle_type in _ACCEPTED_BUNDLE_TYPES:
        return
    if bundle_type in _OTHER_BUNDLE_TYPES:
        raise _refuse(
            "Bundle.type",
            f"a {bundle_type} Bundle is not accepted here: use one of {_listed(_ACCEPTED_BUNDLE_TYPES)}",
            code="not-supported",
        )
    raise _refuse(
        "Bundle.type",
        f"{bundle_type!r} is not a FHIR R4 Bundle type: use one of {_listed(_ACCEPTED_BUNDLE_TYPES)}",
        code="structure",
        status=400,
    )


def _check_creatable(patient: PatientData | None, patient_at: str, edds: dict) -> None:
    if patient is None:
        raise _refuse(
            "Bundle.entry",
            "creating a pregnancy needs a Patient with a national identifier and birthDate",
            code="required",
        )
    if patient.national_id is None:
        raise _refuse(
            f"{patient_at}.identifier",
            f"creating a pregnancy needs the Patient's national identifier, with a system among "
            f"{_supported_systems()}",
            code="required",
        )
    if patient.date_of_birth is None:
        raise _refuse(
            f"{patient_at}.birthDate", "creating a pregnancy needs the Patient's birthDate", code="required"
        )
    if not edds:
        raise _refuse(
            "Bundle.entry",
            "creating a pregnancy needs an EDD Observation (EDDAgreed, EDDbyScan or EDDbyDate)",
            code="required",
        )


def _observation_kind(observation: Observation, where: str) -> EddKind | str:
    profiles = (observation.meta.profile if observation.meta else None) or []
    kinds = {
        kind
        for profile in _present(profiles)
        if (kind := _profile_kind(profile.split("|")[0])) is not None  # a canonical may carry "|version"
    }
    at = f"{where}.meta.profile"
    if not kinds:
        codings = observation.code.coding or []
        kinds = {kind for coding in codings if (kind := _OBSERVATION_CODES.get((coding.system, coding.code)))}
        at = f"{where}.code.coding"
    if len(kinds) > 1:
        raise _refuse(
            at, f"names more than one kind of Observation ({_listed(sorted(kinds))})", code="invalid"
        )
    if not kinds:
        raise _refuse(
            where, f"unrecognised Observation: expected {_RECOGNISED_OBSERVATIONS}", code="not-supported"
        )
    return kinds.pop()


def _profile_kind(canonical: str) -> EddKind | str | None:
    if canonical in _OBSERVATION_PROFILES:
        return _OBSERVATION_PROFILES[canonical]
    return _OLD_OBSERVATION_PROFILE_NAMES.get(canonical.rstrip("/").rsplit("/", 1)[-1])


def _read_edd(observation: Observation, kind: EddKind, where: str) -> Edd:
    if observation.status not in _EDD_STATUSES:
        raise _refuse(
            f"{where}.status",
            f"an EDD Observation must have status {_listed(_EDD_STATUSES)}, got {observation.status!r}",
            code="value",
        )
    if observation.valueDateTime is None:
        raise _refuse(
            f"{where}.valueDateTime",
            "an EDD Observation carries the date in valueDateTime (FHIR R4 Observation has no valueDate)",
            code="required",
        )
    # a date, or a partial date as text, as well as a datetime (fhir_core validates all three)
    value: datetime.datetime | datetime.date | str = observation.valueDateTime
    if isinstance(value, datetime.datetime):
        value = value.date()
    at = f"{where}.valueDateTime"
    return Edd(kind=kind, date=_full_date(value, at), at=at)


def _read_care_start(observation: Observation, where: str) -> tuple[datetime.datetime, str]:
    """The start of care, and the element it was read from."""
    if observation.status != "final":
        raise _refuse(
            f"{where}.status",
            f"an ActiveCareLocation Observation must have status 'final', got {observation.status!r}",
            code="value",
        )
    if observation.effectivePeriod is not None and observation.effectivePeriod.start is not None:
        at = f"{where}.effectivePeriod.start"
        return _instant(observation.effectivePeriod.start, at), at
    if observation.effectiveDateTime is not None:
        at = f"{where}.effectiveDateTime"
        return _instant(observation.effectiveDateTime, at), at
    raise _refuse(
        f"{where}.effective",
        "the start of care is required: give effectivePeriod.start or effectiveDateTime",
        code="required",
    )


def _read_patient(patient: Patient, where: str) -> PatientData:
    places: dict[str, str] = {}
    birth_date = None
    if patient.birthDate is not None:
        places["date_of_birth"] = f"{where}.birthDate"
        birth_date = _full_date(patient.birthDate, places["date_of_birth"])
    return PatientData(
        national_id=_patient_national_id(patient, where, places),
        date_of_birth=birth_date,
        mother=_mother_fields(patient, where, places),
        places=places,
    )


def _patient_national_id(patient: Patient, where: str, places: dict[str, str]) -> NationalId | None:
    """The Patient's one national identifier; other identifiers (local numbers, use "old") are ignored."""
    national = [
        (index, identifier)
        for index, identifier in enumerate(patient.identifier or [])
        if identifier.system in SYSTEM_LABELS and identifier.use != "old"
    ]
    if len(national) > 1:
        raise _refuse(
            f"{where}.identifier",
            f"the Patient has {len(national)} national identifiers "
            f"({', '.join(f'{i.system}|{i.value}' for _, i in national)}): send exactly one",
            code="invalid",
        )
    if not national:
        return None
    index, identifier = national[0]
    assert identifier.system is not None  # one of SYSTEM_LABELS
    at = places["national_id"] = f"{where}.identifier[{index}]"
    if not identifier.value:
        raise _refuse(f"{at}.value", "the national identifier has no value", code="required")
    return _national_id(identifier.system, identifier.value, at)


def _mother_fields(patient: Patient, where: str, places: dict[str, str]) -> dict[str, object]:
    """The Mother fields the Patient carries; `places` gets the element each was read from."""
    mother: dict[str, object] = {}
    name_index, name = _mother_name(patient)
    if name:
        mother["name"], places["name"] = name, f"{where}.name[{name_index}]"
    address_index, address = next(
        ((i, a) for i, a in enumerate(patient.address or []) if a.use != "old"), (0, None)
    )
    if address is not None:
        at = f"{where}.address[{address_index}]"
        lines = [line.strip() for line in _present(address.line) if line.strip()]
        if lines:
            mother["address"], places["address"] = ", ".join(lines), f"{at}.line"
        if address.postalCode:
            mother["post_number"], places["post_number"] = address.postalCode.strip(), f"{at}.postalCode"
        if address.city:
            mother["post_name"], places["post_name"] = address.city.strip(), f"{at}.city"
    if patient.communication:
        mother["language"], places["language"] = _mother_language(patient, where)
    for index, extension in enumerate(patient.extension or []):
        if extension.url == INTERPRETER_REQUIRED:
            if extension.valueBoolean is None:
                raise _refuse(
                    f"{where}.extension[{index}]",
                    f"the extension {INTERPRETER_REQUIRED} needs a valueBoolean",
                    code="value",
                )
            mother["needs_language_interpreter"] = extension.valueBoolean
            places["needs_language_interpreter"] = f"{where}.extension[{index}].valueBoolean"
            break
    return mother


def _mother_name(patient: Patient) -> tuple[int, str]:
    """The first official or usual name (else the first with no use): its index, and its text, else given +
    family ("" when there is none)."""
    named = list(enumerate(patient.name or []))
    names = [(i, n) for i, n in named if n.use in ("official", "usual")]
    names = names or [(i, n) for i, n in named if n.use is None]
    for index, name in names:
        text = " ".join((name.text or "").split())
        if not text:
            text = " ".join(" ".join([*_present(name.given), name.family or ""]).split())
        if text:
            return index, text
    return 0, ""


def _mother_language(patient: Patient, where: str) -> tuple[str, str]:
    """The preferred communication language (else the first), as a Volven 3303 code, and its element."""
    communications = patient.communication or []  # the caller asks only when there is one
    index = next((i for i, c in enumerate(communications) if c.preferred), 0)
    at = f"{where}.communication[{index}].language.coding"
    codings = [(i, c.code) for i, c in enumerate(communications[index].language.coding or []) if c.code]
    if not codings:
        raise _refuse(at, "the language must be coded, e.g. 'no' or 'en'", code="required")
    for _, code in codings:
        key = code.split("-")[0].upper()  # BCP-47 "nb-NO" -> "NB"
        if key in LANGUAGE.codes:
            return key, f"{where}.communication[{index}].language"
    first_index, first_code = codings[0]
    raise _refuse(
        f"{at}[{first_index}].code",
        f"unknown language {first_code!r}: use one of {', '.join(LANGUAGE.codes)} (case-insensitive)",
        code="value",
    )


# --- shared --------------------------------------------------------------------------------------------

_Model = TypeVar("_Model", bound=Resource)
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def _validate(model: type[_Model], body: object) -> _Model:
    """The body as a fhir.resources model, or a 400 FhirInvalid saying where it breaks FHIR R4."""
    name = model.get_resource_type()
    if not isinstance(body, dict):
        raise FhirInvalid(
            f"the body must be a FHIR {name} resource (a JSON object), got {_json_type(body)}",
            status=400,
            code="structure",
        )
    resource_type = body.get("resourceType")
    if resource_type != name:
        got = f"resourceType {resource_type!r}" if "resourceType" in body else "no resourceType"
        raise FhirInvalid(
            f"the body must be a FHIR {name} resource, got {got}",
            status=400,
            code="structure",
            expression=None,
        )
    _check_resource_types(body, name)
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise _from_validation_error(exc, name) from exc
    except Exception as exc:  # the library trips over some malformed input with KeyError or TypeError
        raise FhirInvalid(f"not a valid FHIR R4 {name}: {exc!r}", status=400, code="structure") from exc


def _check_resource_types(body: dict, root: str) -> None:
    """Every nested resource (Bundle.entry.resource, contained...) must name a FHIR R4 resource type. The
    library would otherwise fail with a KeyError that says nothing useful."""
    pending: list[tuple[object, str]] = [(body, root)]
    while pending:
        value, path = pending.pop()
        if isinstance(value, list):
            pending.extend((item, f"{path}[{index}]") for index, item in enumerate(value))
        elif isinstance(value, dict):
            if value is not body and "resourceType" in value and not _is_resource_type(value["resourceType"]):
                raise _refuse(
                    f"{path}.resourceType",
                    f"{value['resourceType']!r} is not a FHIR R4 resource type",
                    code="structure",
                    status=400,
                )
            pending.extend((item, f"{path}.{key}") for key, item in value.items())


def _is_resource_type(name: object) -> bool:
    if not isinstance(name, str):
        return False
    try:
        return get_fhir_model_class(name).has_resource_base()
    except ValueError:
        return False


def _from_validation_error(exc: ValidationError, root: str) -> FhirInvalid:
    error = exc.errors()[0]
    expression = _fhirpath(root, error["loc"])
    message = " ".join(error["msg"].split()).removeprefix("Value error, ")
    value = error.get("input")
    if error["type"] != "extra_forbidden" and isinstance(value, str | int | float | bool):
        message = f"{message}: {value!r:.100}"
    return _refuse(expression, message, code="structure", status=400)


def _fhirpath(root: str, loc: tuple) -> str:
    """("entry", 0, "resource", "foo") -> "Bundle.entry[0].resource.foo"."""
    path = root
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part == "resource_type":
            path += ".resourceType"
        elif part.endswith("__ext"):  # the library's name for a primitive's extension: birthDate__ext
            path += f"._{part.removesuffix('__ext')}"
        elif (
            _NAME.fullmatch(part) and part != "root"
        ):  # skip pydantic's validator tags and the library's "root"
            path += f".{part}"
    return path


_JSON_STEP = re.compile(r"(?:^|\.)([A-Za-z][A-Za-z0-9_]*)|\[(\d+)\]")  # a name (after a dot), an index


def body_fhirpath(body: object, path: str) -> str | None:
    """A place in a JSON body as the JSON input names it ("entry[0].resource.name[0].text") as FHIRPath
    from the body's resourceType ("Bundle.entry[0].resource.name[0].text"): as far as its steps are element
    names and indexes (a key that is no element name ends it at the element holding that key). None when
    the body names no FHIR resource type to start from."""
    root = body.get("resourceType") if isinstance(body, dict) else None
    if not _is_resource_type(root):
        return None
    fhirpath, position = str(root), 0
    while position < len(path):
        step = _JSON_STEP.match(path, position)
        if step is None:
            break
        if step.end() < len(path) and path[step.end()] not in ".[":  # a name that goes on: no element name
            break
        fhirpath += f".{step.group(1)}" if step.group(1) else f"[{step.group(2)}]"
        position = step.end()
    return fhirpath


def _national_id(system: str, value: str, where: str) -> NationalId:
    if system not in SYSTEM_LABELS:
        raise _refuse(
            f"{where}.system",
            f"unsupported identifier system {system!r}: use one of {_supported_systems()}",
            code="value",
        )
    try:
        return parse_national_id(value, system)
    except InvalidIdentifier as exc:
        raise _refuse(f"{where}.value", str(exc), code="value") from None


def _full_date(value: object, where: str) -> datetime.date:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    raise _refuse(where, f"a full date YYYY-MM-DD is required, got {str(value)!r}", code="value")


def _instant(value: object, where: str) -> datetime.datetime:
    """A dateTime as an aware datetime in UTC; a date alone means midnight UTC."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:  # the library refuses a time without an offset; be sure anyway
            raise _refuse(where, f"a time needs a timezone offset, got {value.isoformat()!r}", code="value")
        return value.astimezone(datetime.UTC)
    if isinstance(value, datetime.date):
        return datetime.datetime.combine(value, datetime.time(), tzinfo=datetime.UTC)
    raise _refuse(
        where, f"a full date (YYYY-MM-DD) or date and time is required, got {str(value)!r}", code="value"
    )


def _present(values: list | None) -> list:
    """The values of a list of FHIR primitives that are there: in FHIR JSON an item may be null (its data
    only in the `_name` extension list)."""
    return [value for value in values or [] if value is not None]


def _refuse(expression: str, message: str, *, code: str, status: int = 422) -> FhirInvalid:
    return FhirInvalid(f"{expression}: {message}", status=status, code=code, expression=expression)


def _supported_systems() -> str:
    return ", ".join(f"{system} ({label})" for system, label in SYSTEM_LABELS.items())


def _listed(names) -> str:
    return ", ".join(f"'{name}'" for name in names)


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    return {list: "an array", str: "a string", bool: "a boolean", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )


_PARAMETER_READERS: dict[str, tuple[str, Callable[[Any, str], object]]] = {
    "national-id": ("valueIdentifier", _read_national_id_parameter),
    "dob": ("valueDate", _full_date),
    "edd": ("valueDate", _full_date),
    "break-glass-reason": ("valueString", _read_trimmed),
    "break-glass-reason-code": ("valueCode", _read_trimmed),
}
