"""How each resource type of the record document maps to FHIR R4: the one table (`FHIR_MAPPING`), and one
small builder per FHIR resource type that sets the elements the type has a natural place for.

The table is declarative on purpose: NHN resource type -> FHIR resource type and code, which the data
dictionary shows beside every resource. Codes are LOINC or SNOMED CT where the Spine's operations already
use them (the EDD, the active Care Location) and the record's own code system otherwise (`RECORD_CODES`:
the resource type's wire name is its code), never a guessed clinical code.

Nothing of the document is dropped: besides the natural elements, every resource carries the whole NHN
resource it came from (its fields and metadata) in the `NHN_RESOURCE` extension, field by field, so a
client can read every value the record API would give it. Resources are made with the fhir.resources R4B
classes (FHIR 4.3, R4-compatible for these resource types), which validate them (`built`).
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from maternity.rules.clinical import agreed_edd

from .parse import (
    INTERPRETER_REQUIRED,
    LOINC,
    LOINC_EDD_AGREED,
    PROFILE_EDD_AGREED,
    PROFILE_PATIENT,
    SNOMED,
    SNOMED_ACTIVE_CARE_LOCATION,
)

CANONICAL = "urn:maternity-record:fhir:"  # this record's own FHIR definitions (URNs: nothing to resolve)
RECORD_CODES = f"{CANONICAL}CodeSystem:resource-type"  # code: the record API's wire name of the type
NOTE_KINDS = f"{CANONICAL}CodeSystem:note-kind"
VISIT_KINDS = f"{CANONICAL}CodeSystem:visit-kind"
ALERT_CODES = f"{CANONICAL}CodeSystem:alert"
NHN_RESOURCE = f"{CANONICAL}StructureDefinition:nhn-resource"  # the whole NHN resource, field by field
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
ORGANIZATION_NUMBER = "urn:oid:2.16.578.1.12.4.1.2.101"  # Norwegian organisation number (Enhetsregisteret)
HPR_NUMBER = "urn:oid:2.16.578.1.12.4.1.4.4"  # Norwegian health personnel register (HPR) number
BCP47 = "urn:ietf:bcp:47"
UCUM = "http://unitsofmeasure.org"


@dataclass(frozen=True)
class FhirMapping:
    """One NHN resource type's FHIR form: its resource type and code, and where its time and value go."""

    resource_type: str  # the FHIR R4 resource type
    code: str  # its code in `system`
    display: str
    system: str = RECORD_CODES
    category: str = ""  # Observation: an observation-category code
    when: str = ""  # the wire field that says when (effective, period start, performed...)
    quantity: tuple[str, str] = ("", "")  # Observation: (wire field, UCUM unit) of its value


FHIR_MAPPING: dict[str, FhirMapping] = {
    "mother": FhirMapping("Patient", "mother", "Key demographics"),
    "currentPregnancy": FhirMapping("Observation", "currentPregnancy", "Current pregnancy", category="exam"),
    "previousPregnancies": FhirMapping(
        "Observation", "previousPregnancies", "Previous pregnancies", category="social-history"
    ),
    "geneticDisorders": FhirMapping("Observation", "geneticDisorders", "Genetic disorders", category="exam"),
    "medicalConditions": FhirMapping("Condition", "medicalConditions", "Medical conditions"),
    "medication": FhirMapping("MedicationStatement", "medication", "Medication"),
    "lifestyleFactors": FhirMapping(
        "Observation", "lifestyleFactors", "Lifestyle factors", category="social-history"
    ),
    "clinicalTests": FhirMapping("Observation", "clinicalTests", "Clinical tests", category="laboratory"),
    "rhesusDNegative": FhirMapping(
        "Observation", "rhesusDNegative", "RhD-negative pregnant woman", category="laboratory"
    ),
    "vitalMeasurementsBeforePregnancy": FhirMapping(
        "Observation",
        "vitalMeasurementsBeforePregnancy",
        "Vital measurements before pregnancy",
        category="exam",
    ),
    "pointsOfContact": FhirMapping("CareTeam", "pointsOfContact", "Points of contact"),
    "birthPlan": FhirMapping("CarePlan", "birthPlan", "Birth plan"),
    "antenatalAppointments": FhirMapping(
        "Encounter", "antenatalAppointments", "Antenatal appointment", when="appointmentDate"
    ),
    "symphysisFundalHeights": FhirMapping(
        "Observation",
        "symphysisFundalHeights",
        "Symphysis-fundal height",
        category="exam",
        when="measurementDate",
        quantity=("measurement", "cm"),
    ),
    "births": FhirMapping("Procedure", "births", "Birth", when="birthTime"),
    "careLocations": FhirMapping(
        "EpisodeOfCare", SNOMED_ACTIVE_CARE_LOCATION, "Active care location", system=SNOMED, when="startTime"
    ),
    "notes": FhirMapping("Communication", "notes", "Record note"),
    "labour": FhirMapping("Procedure", "labour", "Labour"),
    "bookings": FhirMapping("Appointment", "bookings", "Booked appointment", when="startsAt"),
    "postnatalMotherVisits": FhirMapping(
        "Encounter", "postnatalMotherVisits", "Postnatal visit (mother)", when="visitDate"
    ),
    "postnatalBabyVisits": FhirMapping(
        "Encounter", "postnatalBabyVisits", "Postnatal visit (baby)", when="visitDate"
    ),
    "alertAcknowledgements": FhirMapping("DetectedIssue", "alertAcknowledgements", "Alert acknowledged"),
}
# Resources made from the record itself rather than one NHN resource: the pregnancy, its Care Locations,
# and the agreed EDD (derived from currentPregnancy as the record derives it).
PREGNANCY = FhirMapping("EpisodeOfCare", "pregnancy", "Pregnancy")
EDD_AGREED = FhirMapping("Observation", LOINC_EDD_AGREED, "Delivery date Estimated", system=LOINC)
PRODUCED_TYPES = frozenset(
    {"Patient", "Organization"}
    | {mapping.resource_type for mapping in [*FHIR_MAPPING.values(), PREGNANCY, EDD_AGREED]}
)


@dataclass
class Walk:
    """What every resource of one record's Bundle refers to: the Patient, the pregnancy, the Care Locations
    present in the walk (a reference is made only to a resource the walk holds)."""

    record_id: str
    organizations: set[str] = field(default_factory=set)  # ids of the Organization resources in the walk
    active_episode: str | None = None  # the careLocations item with the latest start

    @property
    def patient(self) -> dict:
        return {"reference": f"Patient/{self.record_id}"}

    @property
    def pregnancy(self) -> dict:
        return {"reference": f"EpisodeOfCare/{self.record_id}"}


def organization_id(org_nr: str) -> str:
    """A FHIR id for a Care Location (ids allow letters, digits, '-' and '.')."""
    return "org-" + re.sub(r"[^A-Za-z0-9.-]", "-", org_nr)[:60]


def coding(mapping: FhirMapping) -> dict:
    return {"coding": [{"system": mapping.system, "code": mapping.code, "display": mapping.display}]}


def built(resource: dict) -> dict:
    """The resource, its null elements left out, checked by its fhir.resources R4B class: a mapping that
    would make invalid FHIR fails here, in tests, never in a client. Served as it is, not as the library
    writes it back: the library's serializer costs some milliseconds per resource, and the JSON is the
    same (the tests compare the two). Its extensions are left out of the check for the same reason (a
    millisecond each): `nhn_extension` makes only two simple shapes, and the tests check every one."""
    resource = _pruned(resource)
    model = get_fhir_model_class(resource["resourceType"])
    model.model_validate({key: value for key, value in resource.items() if key not in UNCHECKED})
    return resource


UNCHECKED = ("extension", "entry")  # a Bundle's entries are checked one by one as they are built


def _pruned(value: Any) -> Any:
    """Without nulls, at every depth (FHIR JSON has no nulls)."""
    if isinstance(value, dict):
        return {key: _pruned(inner) for key, inner in value.items() if inner is not None}
    if isinstance(value, list):
        return [_pruned(inner) for inner in value if inner is not None]
    return value


# --- the NHN resource as an extension -------------------------------------------------------------------


def nhn_extension(nhn_type: str, item: dict) -> dict:
    """The whole NHN resource (fields and metadata) as one complex extension, a sub-extension per field:
    booleans, whole numbers, decimals and texts as their value types, objects nested, lists repeated.
    Unknown (null) and empty values are left out, as FHIR leaves them out."""
    return {
        "url": NHN_RESOURCE,
        "extension": [{"url": "resourceType", "valueCode": nhn_type}, *_extensions(item)],
    }


def _extensions(values: dict) -> list[dict]:
    found = []
    for key, value in values.items():
        items = value if isinstance(value, list) else [value]
        for item in items:
            extension = _extension(key, item)
            if extension is not None:
                found.append(extension)
    return found


def _extension(url: str, value: Any) -> dict | None:
    if value is None or value == "" or value == {} or value == []:
        return None
    if isinstance(value, bool):
        return {"url": url, "valueBoolean": value}
    if isinstance(value, int):
        return {"url": url, "valueInteger": value}
    if isinstance(value, float):
        return {"url": url, "valueDecimal": value}
    if isinstance(value, dict):
        children = _extensions(value)
        return {"url": url, "extension": children} if children else None
    if isinstance(value, list):  # a list inside a list: each element its own sub-extension
        children = _extensions({"item": value})
        return {"url": url, "extension": children} if children else None
    return {"url": url, "valueString": str(value)}


# --- the builders, one per FHIR resource type -----------------------------------------------------------


def _entered_in_error(item: dict) -> bool:
    return bool((item.get("metadata") or {}).get("enteredInError"))


def _when(mapping: FhirMapping, item: dict) -> str | None:
    value = item.get(mapping.when) if mapping.when else None
    return value if isinstance(value, str) and value else None


def _status(item: dict, usual: str) -> str:
    return "entered-in-error" if _entered_in_error(item) else usual


def _observation(mapping: FhirMapping, item: dict, walk: Walk) -> dict:
    resource: dict[str, Any] = {
        "status": _status(item, "final"),
        "code": coding(mapping),
        "subject": walk.patient,
        "effectiveDateTime": _when(mapping, item),
    }
    if mapping.category:
        resource["category"] = [{"coding": [{"system": OBSERVATION_CATEGORY, "code": mapping.category}]}]
    name, unit = mapping.quantity
    if name and item.get(name) is not None:
        resource["valueQuantity"] = {"value": item[name], "unit": unit, "system": UCUM, "code": unit}
    return resource


def _condition(mapping: FhirMapping, item: dict, walk: Walk) -> dict:
    resource: dict[str, Any] = {"code": coding(mapping), "subject": walk.patient}
    if _entered_in_error(item):
        resource["verificationStatus"] = {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                    "code": "entered-in-error",
                }
            ]
        }
    return resource


def _medication_statement(mapping: FhirMapping, item: dict, walk: Walk) -> dict:
    return {
        "status": _status(item, "unknown"),  # the resource says what she takes, not whether she still does
        "medicationCodeableConcept": {**coding(mapping), "text": item.get("medicationFrequency") or None},
        "subject": walk.patient,
        "context": walk.pregnancy,
    }


def _member(name: str | None, hpr_nr: str | None, organization: str | None) -> dict | None:
    if not (name or hpr_nr):
        return None
    member: dict[str, Any] = {"display": ", ".join(part for part in (name, organization) if part) or None}
    if hpr_nr:
        member["identifier"] = {"system": HPR_NUMBER, "value": hpr_nr}
    return member


def _care_team(mapping: FhirMapping, item: dict, walk: Walk) -> dict:
    participants = []
    for group, role in (("generalPractitioner", "General practitioner"), ("midwife", "Midwife")):
        person = item.get(group) or {}
        member = _member(person.get("name"), person.get("hprNr"), person.get("organizationName"))
        if member is not None:
            participants.append({"role": [{"text": role}], "member": member})
    return {
        "status": "active",
        "category": [coding(mapping)],
        "subject": walk.patient,
        "encounter": None,
        "participant": participants or None,
    }


def _care_plan(mapping: FhirMapping, item: dict, walk: Walk) -> dict:
    return {
        "status": "active",
        "intent": "plan",
        "category": [coding(mapping)],
        "title": mapping.display,
        "subject": walk.patient,
        "author": walk.patient,  # written by the pregnant person herself
    }


def _encounter(mapping: FhirMapping, item: dict, walk: Walk) -> dict:
    when = _when(mapping, item)
    return {
        "status": _status(item, "finished"),
        "class": {"system": ACT_CODE, "code": "AMB", "display": "ambulatory"},
        "type": [coding(mapping)],
        "subject": walk.patient,
        "episodeOfCare": [walk.pregnancy],
        "period": {"start": when} if when else None,
    }


def _procedure(mapping: FhirMapping, item: dict, walk: Walk) -> dict:
    return {
        "status": _status(item, "completed"),
        "code": coding(mapping),
        "subject": walk.patient,
        "performedDateTime": _when(mapping, item),
    }


def _episode_of_care(mapping: FhirMapping, item: dict, walk: Walk) -> dict:
    location = item.get("careLocation") or {}
    org = organization_id(location["orgNr"]) if location.get("orgNr") else None
    active = (item.get("metadata") or {}).get("id") == walk.active_episode
    return {
        "status": _status(item, "active" if active else "finished"),
        "type": [coding(mapping)],
        "patient": walk.patient,
        "managingOrganization": {"reference": f"Organization/{org}"} if org in walk.organizations else None,
        "period": {"start": _when(mapping, item)},
    }


def _communication(mapping: FhirMapping, item: dict, walk: Walk) -> dict:
    kind = item.get("kind")
    return {
        "status": _status(item, "completed"),
        "category": [
            coding(mapping),
            *([{"coding": [{"system": NOTE_KINDS, "code": kind}]}] if kind else []),
        ],
        "subject": walk.patient,
        "sent": (item.get("metadata") or {}).get("lastUpdated"),
        "payload": [{"contentString": item["text"]}] if item.get("text") else None,
    }


BOOKING_STATUS = {"BOOKED": "booked", "CANCELLED": "cancelled", "ATTENDED": "fulfilled"}


def _appointment(mapping: FhirMapping, item: dict, walk: Walk) -> dict:
    start = _when(mapping, item)
    minutes = item.get("durationMinutes")
    end = None
    if start and minutes:
        end = (datetime.datetime.fromisoformat(start) + datetime.timedelta(minutes=minutes)).isoformat()
    participants: list[dict] = [{"actor": walk.patient, "status": "accepted"}]
    if item.get("withWhom"):
        participants.append({"actor": {"display": item["withWhom"]}, "status": "accepted"})
    kind = item.get("kind")
    return {
        "status": _status(item, BOOKING_STATUS.get(item.get("status") or "", "booked")),
        "serviceCategory": [coding(mapping)],
        "appointmentType": {"coding": [{"system": VISIT_KINDS, "code": kind}]} if kind else None,
        "cancelationReason": {"text": item["cancellationReason"]} if item.get("cancellationReason") else None,
        "start": start,
        "end": end,
        "minutesDuration": minutes,
        "participant": participants,
    }


def _detected_issue(mapping: FhirMapping, item: dict, walk: Walk) -> dict:
    metadata = item.get("metadata") or {}
    author = (metadata.get("lastUpdatedBy") or {}).get("name")
    return {
        "status": _status(item, "final"),
        "code": {**coding(mapping), "coding": [*coding(mapping)["coding"], *_alert(item)]},
        "patient": walk.patient,
        "detail": item.get("alertDetail") or None,
        "mitigation": [
            {
                "action": {"text": item.get("actionTaken") or mapping.display},
                "date": metadata.get("lastUpdated"),
                "author": {"display": author} if author else None,
            }
        ],
    }


def _alert(item: dict) -> list[dict]:
    return [{"system": ALERT_CODES, "code": item["alertCode"]}] if item.get("alertCode") else []


BUILDERS: dict[str, Callable[[FhirMapping, dict, Walk], dict]] = {
    "Observation": _observation,
    "Condition": _condition,
    "MedicationStatement": _medication_statement,
    "CareTeam": _care_team,
    "CarePlan": _care_plan,
    "Encounter": _encounter,
    "Procedure": _procedure,
    "EpisodeOfCare": _episode_of_care,
    "Communication": _communication,
    "Appointment": _appointment,
    "DetectedIssue": _detected_issue,
}


# --- where each field lands -------------------------------------------------------------------------------
# Every field is in the NHN_RESOURCE extension; the builders above also put some in a natural element of
# their FHIR resource. These tables say which, as FHIR paths from the resource (lists are walked through),
# for the data dictionary (dataset/dictionary) to show; its tests build each resource type from a sample
# item and find each field's value where `field_element` says.

# The element a FhirMapping's `when` goes to, per FHIR resource type; its `quantity` goes to QUANTITY_ELEMENT.
WHEN_ELEMENTS = {
    "Observation": "effectiveDateTime",
    "Encounter": "period.start",
    "Procedure": "performedDateTime",
    "EpisodeOfCare": "period.start",
    "Appointment": "start",
}
QUANTITY_ELEMENT = "valueQuantity.value"
# {NHN resource type: {wire path: element}} for what a builder sets from a field of its own choosing.
FIELD_ELEMENTS: dict[str, dict[str, str]] = {
    "mother": {
        "name": "name.text",
        "address": "address.line",
        "postNumber": "address.postalCode",
        "postName": "address.city",
        "language": "communication.language.coding.code",
        "needsLanguageInterpreter": "extension[patient-interpreterRequired]",
    },
    "medication": {"medicationFrequency": "medicationCodeableConcept.text"},
    "pointsOfContact": {
        "generalPractitioner.name": "participant.member.display",
        "generalPractitioner.organizationName": "participant.member.display",
        "generalPractitioner.hprNr": "participant.member.identifier.value",
        "midwife.name": "participant.member.display",
        "midwife.organizationName": "participant.member.display",
        "midwife.hprNr": "participant.member.identifier.value",
    },
    "notes": {"kind": "category.coding.code", "text": "payload.contentString"},
    "bookings": {
        "durationMinutes": "minutesDuration",
        "kind": "appointmentType.coding.code",
        "withWhom": "participant.actor.display",
        "status": "status",
        "cancellationReason": "cancelationReason.text",
    },
    "alertAcknowledgements": {
        "alertCode": "code.coding.code",
        "alertDetail": "detail",
        "actionTaken": "mitigation.action.text",
    },
}
# A field whose value the builder translates into FHIR's words: (type, wire path) -> {value: FHIR value}
ELEMENT_VALUES: dict[tuple[str, str], dict[str, str]] = {("bookings", "status"): BOOKING_STATUS}


def extension_name(url: str) -> str:
    """An extension's short name, as an element path names it: the end of its URL."""
    return re.split(r"[/:]", url)[-1]


def natural_element(nhn_type: str, wire_path: str) -> str | None:
    """Where a builder puts the field besides the NHN extension, as a path from the resource; None when
    only the extension holds it."""
    mapping = FHIR_MAPPING[nhn_type]
    if wire_path in FIELD_ELEMENTS.get(nhn_type, {}):
        return FIELD_ELEMENTS[nhn_type][wire_path]
    if mapping.when and wire_path == mapping.when:
        return WHEN_ELEMENTS[mapping.resource_type]
    if mapping.quantity[0] and wire_path == mapping.quantity[0]:
        return QUANTITY_ELEMENT
    return None


def extension_element(wire_path: str) -> str:
    """Where the NHN extension holds a field: a sub-extension per step of its wire path (`stimuli[].x`:
    one `stimuli` sub-extension per item, each with its `x`)."""
    steps = [step.removesuffix("[]") for step in wire_path.split(".")]
    return ".".join([f"extension[{extension_name(NHN_RESOURCE)}]", *(f"extension[{step}]" for step in steps)])


def field_element(nhn_type: str, wire_path: str) -> str:
    """Where a field of an NHN resource lands in FHIR, from its resource type: its natural element when the
    builder has one for it, else its place in the NHN extension (e.g. `Encounter.period.start`,
    `Observation.extension[nhn-resource].extension[note]`)."""
    element = natural_element(nhn_type, wire_path) or extension_element(wire_path)
    return f"{FHIR_MAPPING[nhn_type].resource_type}.{element}"


def resource_of(nhn_type: str, item: dict, walk: Walk) -> dict:
    """One NHN resource (a singleton, or one list item) as its FHIR resource, validated."""
    mapping = FHIR_MAPPING[nhn_type]
    metadata = item.get("metadata") or {}
    resource = BUILDERS[mapping.resource_type](mapping, item, walk)
    return built(
        {
            "resourceType": mapping.resource_type,
            "id": metadata["id"],
            "meta": _meta(metadata),
            "extension": [nhn_extension(nhn_type, item)],
            **{key: value for key, value in resource.items() if value is not None},
        }
    )


def _meta(metadata: dict, profile: str | None = None) -> dict | None:
    meta = {
        "versionId": str(metadata["version"]) if metadata.get("version") is not None else None,
        "lastUpdated": metadata.get("lastUpdated"),
        "profile": [profile] if profile else None,
    }
    meta = {key: value for key, value in meta.items() if value is not None}
    return meta or None


# --- the resources made from the record itself ----------------------------------------------------------


@dataclass(frozen=True)
class PatientKeys:
    """The person's keys (not in the document): the Patient's identifier and birth date."""

    identifier_system: str
    identifier_value: str
    date_of_birth: datetime.date | None


def patient_of(document: dict, keys: PatientKeys, walk: Walk) -> dict:
    """The Patient: the record id as its id (as every Spine operation names her), the person's identifier
    and birth date, and her key demographics from the `mother` resource when the caller may see it."""
    mother = document.get("mother")
    mother = mother if isinstance(mother, dict) and not mother.get("restricted") else None
    status = ((document.get("metadata") or {}).get("recordStatus") or {}).get("status")
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": walk.record_id,
        "meta": {"profile": [PROFILE_PATIENT]},
        "identifier": [{"system": keys.identifier_system, "value": keys.identifier_value}],
        "active": status == "ACTIVE",
        "birthDate": keys.date_of_birth.isoformat() if keys.date_of_birth else None,
    }
    if mother is not None:
        resource["meta"] = {**(_meta(mother.get("metadata") or {}) or {}), "profile": [PROFILE_PATIENT]}
        resource["name"] = [{"text": mother["name"]}] if mother.get("name") else None
        address = {
            "line": [mother["address"]] if mother.get("address") else None,
            "postalCode": mother.get("postNumber") or None,
            "city": mother.get("postName") or None,
        }
        resource["address"] = [address] if any(address.values()) else None
        language = (mother.get("language") or {}).get("code")
        resource["communication"] = (
            [{"language": {"coding": [{"system": BCP47, "code": language}]}}] if language else None
        )
        extensions = [nhn_extension("mother", mother)]
        if mother.get("needsLanguageInterpreter") is not None:
            extensions.append(
                {"url": INTERPRETER_REQUIRED, "valueBoolean": mother["needsLanguageInterpreter"]}
            )
        resource["extension"] = extensions
    return built({key: value for key, value in resource.items() if value is not None})


EPISODE_STATUS = {
    "ACTIVE": "active",
    "DELIVERED": "finished",
    "TERMINATED": "finished",
    "ENTERED_IN_ERROR": "entered-in-error",
}


def pregnancy_of(document: dict, walk: Walk, active_org: str | None) -> dict:
    """The pregnancy as an EpisodeOfCare (id: the record id): its status, its end, the active Care Location
    (when the caller may see the care episodes), and the record's metadata in the NHN extension."""
    metadata = document.get("metadata") or {}
    record_status = metadata.get("recordStatus") or {}
    end = record_status.get("deliveryDate") or record_status.get("terminationDate")
    resource = {
        "resourceType": "EpisodeOfCare",
        "id": walk.record_id,
        "meta": {"versionId": str(metadata.get("version")), "lastUpdated": metadata.get("recordLastUpdated")},
        "extension": [nhn_extension("metadata", metadata)],
        "status": EPISODE_STATUS.get(record_status.get("status") or "", "active"),
        "type": [coding(PREGNANCY)],
        "patient": walk.patient,
        "managingOrganization": {"reference": f"Organization/{active_org}"} if active_org else None,
        "period": {"end": end} if end else None,
    }
    return built({key: value for key, value in resource.items() if value is not None})


def organization_of(org_nr: str, name: str | None) -> dict:
    return built(
        {
            "resourceType": "Organization",
            "id": organization_id(org_nr),
            "identifier": [{"system": ORGANIZATION_NUMBER, "value": org_nr}],
            **({"name": name} if name else {}),
        }
    )


def agreed_edd_of(current: dict) -> datetime.date | None:
    """The agreed EDD as the record derives it from currentPregnancy (corrected > scan > by date > LMP)."""

    def day(name: str) -> datetime.date | None:
        value = current.get(name)
        return datetime.date.fromisoformat(value) if isinstance(value, str) and value else None

    return agreed_edd(
        corrected=day("dueDateCorrectedDate"),
        ultrasound=day("dueDateBasedOnUltrasound"),
        lmp_based=day("dueDate"),
        lmp=day("dateLastPeriod"),
    )


def edd_of(edd: datetime.date, walk: Walk) -> dict:
    """The agreed EDD Observation, as $find-pregnancy gives it (the same id and profile)."""
    return built(
        {
            "resourceType": "Observation",
            "id": f"{walk.record_id}-edd",
            "meta": {"profile": [PROFILE_EDD_AGREED]},
            "status": "final",
            "code": coding(EDD_AGREED),
            "subject": walk.patient,
            "valueDateTime": edd.isoformat(),
        }
    )
