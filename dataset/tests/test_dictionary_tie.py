"""The test that ties the dictionary to the models: every content field of every resource type's model, and
every field the serializers expose (nested ones too), has a type, a label and a description, and the
descriptions name no field the data set no longer has. The check is shown to catch a made-up field, so it
cannot pass by checking nothing."""

import dataclasses

import pytest

from dataset.dictionary import dictionary
from dataset.dictionary.descriptions import CODE_SYSTEM_TITLES, DESCRIPTIONS, LABELS, UNITS
from dataset.dictionary.tie import problems
from dataset.dictionary.walk import WireField, wire_fields
from maternity.rules.resources import RESOURCE_TYPES
from spine.serializers.resources import SERIALIZERS


def model_fields() -> dict[str, list[str]]:
    return {name: [field.name for field in rt.model.content_fields()] for name, rt in RESOURCE_TYPES.items()}


def check(fields=None, models=None, descriptions=DESCRIPTIONS, labels=LABELS) -> list[str]:
    return problems(
        wire_fields() if fields is None else fields,
        model_fields=model_fields() if models is None else models,
        descriptions=descriptions,
        labels=labels,
        units=UNITS,
    )


def test_the_dictionary_describes_every_field_of_every_model_and_serializer():
    assert check() == []


def test_the_dictionary_walks_every_resource_type_and_every_model_field():
    fields = wire_fields()
    assert set(fields) == set(RESOURCE_TYPES) == set(SERIALIZERS)
    for name, rt in RESOURCE_TYPES.items():
        walked = {wire.model_field for wire in fields[name]}
        assert {field.name for field in rt.model.content_fields()} <= walked, name
    assert sum(len(wires) for wires in fields.values()) > sum(len(names) for names in model_fields().values())


def test_a_model_field_the_dictionary_does_not_describe_fails_naming_it_and_the_file():
    fields = wire_fields()
    made_up = WireField("births", "umbilicalCordPh", "umbilical_cord_ph", "decimal")
    models = model_fields()
    models["births"].append("umbilical_cord_ph")

    found = check({**fields, "births": [*fields["births"], made_up]}, models)

    assert found == [
        "births.umbilicalCordPh has no description: add one to dataset/dictionary/descriptions.py, "
        "DESCRIPTIONS['births']."
    ]


def test_a_model_field_no_serializer_exposes_fails():
    models = model_fields()
    models["mother"].append("favourite_colour")

    (found,) = check(models=models)

    assert found.startswith("mother: the model field favourite_colour is in no serializer's fields")


def test_a_nested_field_without_a_type_or_a_label_fails():
    fields = wire_fields()
    unknown = WireField("labour", "newborns[].cordGas", type=None)
    descriptions = {**DESCRIPTIONS, "labour": {**DESCRIPTIONS["labour"], "newborns[].cordGas": "Made up."}}

    found = check({**fields, "labour": [*fields["labour"], unknown]}, descriptions=descriptions)

    assert found == [
        "labour.newborns[].cordGas has no type: add its serializer field's class to SCALAR_TYPES in "
        "dataset/dictionary/walk.py.",
        "labour.newborns[].cordGas has no label: add one to dataset/dictionary/descriptions.py, "
        "LABELS['labour'].",
    ]


def test_a_description_of_a_field_that_no_longer_exists_fails():
    descriptions = {**DESCRIPTIONS, "mother": {**DESCRIPTIONS["mother"], "maidenName": "Gone."}}

    (found,) = check(descriptions=descriptions)

    assert found == (
        "dataset/dictionary/descriptions.py, DESCRIPTIONS['mother'] names maidenName, which the data set "
        "does not have: remove it (or correct its name)."
    )


def test_a_field_removed_from_a_serializer_leaves_its_description_named():
    fields = wire_fields()
    without = [wire for wire in fields["bookings"] if wire.path != "plannedWeek"]

    found = check({**fields, "bookings": without})

    assert any("bookings: the model field planned_week is in no serializer's fields" in p for p in found)
    assert any("DESCRIPTIONS['bookings'] names plannedWeek" in p for p in found)
    assert any("UNITS['bookings'] names plannedWeek" in p for p in found)


@pytest.mark.parametrize("language", ["en", "nb"])
def test_every_field_has_a_type_a_label_a_description_and_a_fhir_element_in_each_language(language):
    for resource in dictionary(language).resources:
        assert resource.fields, resource.name
        for field in resource.fields:
            assert field.type and field.label and field.description and field.fhir_element, field
            assert field.added_in and field.fhir_element.split(".")[0] == resource.fhir.resource_type


def test_a_unit_the_model_states_is_the_dictionarys_unit():
    """Where a model field's help text is its unit (height "cm", birth weight "g"), the dictionary says it
    too."""
    units = {(r.name, f.name): f.unit for r in dictionary("en").resources for f in r.fields}
    stated = []
    for name, wires in wire_fields().items():
        model = RESOURCE_TYPES[name].model
        for wire in wires:
            help_text = str(model._meta.get_field(wire.model_field).help_text) if wire.model_field else ""
            if help_text in {"cm", "kg", "g"}:
                stated.append((name, wire.path))
                assert units[(name, wire.path)] == help_text, (name, wire.path)
    assert len(stated) >= 5


def test_every_code_system_a_field_uses_has_a_title_in_both_languages():
    systems = {
        wire.code_list.system
        for wires in wire_fields().values()
        for wire in wires
        if wire.code_list and wire.code_list.system
    }
    assert systems == set(CODE_SYSTEM_TITLES)
    norwegian = {
        f.code_list.system: f.code_list.title
        for r in dictionary("nb").resources
        for f in r.fields
        if f.code_list
    }
    english = {
        f.code_list.system: f.code_list.title
        for r in dictionary("en").resources
        for f in r.fields
        if f.code_list
    }
    for system in systems:
        assert norwegian[system] and norwegian[system] != english[system], system


def test_a_coded_field_lists_every_code_with_both_displays():
    country = next(f for f in dictionary("nb").resource("mother").fields if f.name == "countryOfBirth")
    assert country.type == "CodeAndSystem" and country.code_list.system == "VOLVEN_9043"
    assert ("NOR", "Norge", "Norway", "Norge") in [
        dataclasses.astuple(code) for code in country.code_list.codes
    ]
    rhesus = next(
        f for f in dictionary("en").resource("clinicalTests").fields if f.name == "aboRh.rhesusDType"
    )
    assert [code.code for code in rhesus.code_list.codes] == ["NEGATIVE", "POSTIVE"]  # as NHN spells it
