"""The dictionary's FHIR element is where the spine's FHIR mapping puts the field: each resource type is
built from a sample item, made from the dictionary's own rows (a value of each field's type, inside its
range, one of its codes), and each field's value is found at the element the dictionary names for it."""

import uuid
from typing import Any

import pytest

from dataset.dictionary import FieldEntry, ResourceEntry, dictionary
from spine.fhir.mapping import (
    ELEMENT_VALUES,
    FHIR_MAPPING,
    NHN_RESOURCE,
    PatientKeys,
    Walk,
    extension_name,
    patient_of,
    resource_of,
)

ENGLISH = dictionary("en")


def sample_value(field: FieldEntry) -> Any:
    """A value the field may hold, different from every other field's where it is text."""
    kind = field.type.removesuffix("[]")
    if field.code_list is not None:
        first = field.code_list.codes[-1]
        value: Any = (
            {"code": first.code, "display": first.display, "codeSystem": field.code_list.system}
            if kind == "CodeAndSystem"
            else first.code
        )
    elif kind == "integer":
        value = field.maximum if field.maximum is not None else 7
    elif kind == "decimal":
        value = float(field.maximum) - 0.5 if field.maximum is not None else 7.5
    elif kind == "boolean":
        value = True
    elif kind == "date":
        value = "2026-03-14"
    elif kind == "dateTime":
        value = "2026-03-14T10:30:00Z"
    elif kind == "uuid":
        value = str(uuid.uuid4())
    else:
        value = f"{field.resource}.{field.name} sample"
    return [value] if field.type.endswith("[]") else value


def place(item: dict, steps: list[str], value: Any) -> None:
    """Put `value` at the wire path's steps; a `name[]` step is a list of one object."""
    step, rest = steps[0], steps[1:]
    if not rest:
        item[step] = value
    elif step.endswith("[]"):
        items = item.setdefault(step.removesuffix("[]"), [{}])
        place(items[0], rest, value)
    else:
        place(item.setdefault(step, {}), rest, value)


def leaves(resource: ResourceEntry) -> list[FieldEntry]:
    """The fields that hold a value themselves (not a group or a list of objects)."""
    return [field for field in resource.fields if field.type not in ("object", "object[]")]


def sample_item(resource: ResourceEntry) -> dict:
    item: dict = {
        "metadata": {
            "id": str(uuid.uuid4()),
            "version": 1,
            "lastUpdated": "2026-03-14T10:31:00Z",
            "lastUpdatedBy": {"userType": "HEALTH_CARE_PROFESSIONAL", "name": "Kari Jordmor"},
        }
    }
    if resource.is_list:
        item["metadata"]["enteredInError"] = False
    for field in leaves(resource):
        place(item, field.name.replace("[].", "[]\0").replace(".", "\0").split("\0"), sample_value(field))
    return item


def value_at(item: dict, path: str) -> Any:
    """The sample's value of the field at the wire path (in the first item of each list on the way)."""
    *steps, last = path.split(".")
    for step in steps:
        item = item[step.removesuffix("[]")]
        item = item[0] if step.endswith("[]") else item
    return item[last]


def built(resource: ResourceEntry, item: dict) -> dict:
    walk = Walk(record_id=str(uuid.uuid4()))
    if resource.name == "mother":
        keys = PatientKeys("urn:oid:2.16.578.1.12.4.1.4.1", "17059400000", None)
        return patient_of({"mother": item, "metadata": {"recordStatus": {"status": "ACTIVE"}}}, keys, walk)
    return resource_of(resource.name, item, walk)


def found_at(resource: dict, element: str) -> list[Any]:
    """The values at a FHIR path (`a.b`, `extension[name]`), lists walked through as FHIRPath does; an
    extension is its value, or {url: value} for a complex one."""
    nodes: list[Any] = [resource]
    for step in element.split(".")[1:]:
        name, _, wanted = step.partition("[")
        wanted = wanted.rstrip("]")
        found = []
        for node in nodes:
            value = node.get(name) if isinstance(node, dict) else None
            for each in value if isinstance(value, list) else [value]:
                if each is None:
                    continue
                if wanted and not (isinstance(each, dict) and _named(each.get("url", ""), wanted)):
                    continue
                found.append(each)
        nodes = found
    return [_extension_value(node) if _is_extension(node) else node for node in nodes]


def _named(url: str, wanted: str) -> bool:
    return url == wanted or extension_name(url) == wanted


def _is_extension(node: Any) -> bool:
    return isinstance(node, dict) and "url" in node


def _extension_value(node: dict) -> Any:
    for key, value in node.items():
        if key.startswith("value"):
            return value
    values: dict[str, Any] = {}
    for inner in node.get("extension", []):
        values[inner["url"]] = _extension_value(inner)
    return values


def expected(resource: ResourceEntry, field: FieldEntry, value: Any) -> list[Any]:
    """The values the element should hold for the field's sample: the value itself (each item of a list), a
    coded value's code where the element is a code, the builder's own word where it translates it."""
    values = value if isinstance(value, list) else [value]
    if field.fhir_element.endswith(".code"):
        values = [each["code"] if isinstance(each, dict) else each for each in values]
    words = ELEMENT_VALUES.get((resource.name, field.name))
    return [words[each] for each in values] if words else values


def holds(found: list[Any], wanted: Any) -> bool:
    """Whether the element holds the value: equal to one found, or part of a display made of several."""
    return any(
        each == wanted or (isinstance(each, str) and isinstance(wanted, str) and wanted in each)
        for each in found
    )


@pytest.mark.parametrize("resource", ENGLISH.resources, ids=lambda resource: resource.name)
def test_every_field_is_found_at_the_fhir_element_the_dictionary_names(resource):
    item = sample_item(resource)
    fhir = built(resource, item)
    assert fhir["resourceType"] == FHIR_MAPPING[resource.name].resource_type
    missing = []
    for field in leaves(resource):
        assert field.fhir_element.startswith(f"{fhir['resourceType']}."), field.fhir_element
        value = value_at(item, field.name)
        found = found_at(fhir, field.fhir_element)
        for wanted in expected(resource, field, value):
            if not holds(found, wanted):
                missing.append(
                    f"{resource.name}.{field.name}: {wanted!r} not at {field.fhir_element} (found {found!r})"
                )
    assert missing == []


def test_a_field_with_no_natural_element_is_named_in_the_nhn_extension():
    note = next(field for field in ENGLISH.resource("births").fields if field.name == "note")
    assert note.fhir_element == f"Procedure.extension[{extension_name(NHN_RESOURCE)}].extension[note]"
    stimulus = next(
        f for f in ENGLISH.resource("lifestyleFactors").fields if f.name == "stimuli[].stimuliType"
    )
    assert (
        stimulus.fhir_element
        == "Observation.extension[nhn-resource].extension[stimuli].extension[stimuliType]"
    )


def test_the_check_finds_a_value_put_elsewhere():
    """The test above cannot pass by finding nothing: a value at another element is not found."""
    births = ENGLISH.resource("births")
    item = sample_item(births)
    fhir = built(births, item)
    assert holds(found_at(fhir, "Procedure.performedDateTime"), item["birthTime"])
    assert not holds(found_at(fhir, "Procedure.performedDateTime"), item["note"])
    assert not holds(found_at(fhir, "Procedure.extension[nhn-resource].extension[sex]"), item["note"])
