"""The record's wire shape, field by field, read from the serializers that write it.

The serializers (spine/serializers/resources.py) are the wire format: the camelCase names, the groups NHN
nests (`assistedConception.hadAssistedConception`), the nested lists (`stimuli[].stimuliType`), the coded
values and their code systems, the ranges and lengths the models' validators give them. Walking them, and
reading the model field under each for what the serializer does not say, the dictionary cannot describe a
field the API does not have, or miss one it has (dataset/tests/test_dictionary_tie.py).

What is made here is the same in every language; `dataset.dictionary.build` adds the words.
"""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.core.validators import RegexValidator
from django.utils import translation
from rest_framework import serializers

from maternity.rules.codes import CodeSystem
from maternity.rules.flags import ALERT_NAMES
from maternity.rules.resources import RESOURCE_TYPES
from maternity.rules.wording import Text
from spine.serializers.fields import AliasChoiceField, CodeField
from spine.serializers.resources import SERIALIZERS, ResourceSerializer

# Free-text fields whose values come from a list all the same: (resource, wire path) -> the codes and names.
# An alert acknowledgement names the alert by its rule's code (maternity/rules/flags.py).
LISTED_TEXT: dict[tuple[str, str], Mapping[str, Text]] = {("alertAcknowledgements", "alertCode"): ALERT_NAMES}


@dataclass(frozen=True)
class CodeList:
    """The values a field takes: a Volven code system's codes (sent as CodeAndSystem), or the data set's own
    list (`system` None: sent as the plain string). Each code with its Norwegian and English display."""

    system: str | None
    title: Text | None  # a code system's name (translated where shown); None for the data set's own list
    codes: tuple[tuple[str, str, str], ...]  # (code, Norwegian display, English display)


@dataclass(frozen=True)
class WireField:
    """One field of one resource type as the API reads and writes it."""

    resource: str  # the resource type's wire name, e.g. "currentPregnancy"
    path: str  # its wire path: "dueDate", "assistedConception.hadAssistedConception", "stimuli[].stimuliType"
    model_field: str = ""  # the model's field under it; "" for a group or a member of a nested object
    type: str | None = None  # None: a serializer field the walk does not know (the tie test names it)
    required: bool = False
    read_only: bool = False
    minimum: int | float | None = None
    maximum: int | float | None = None
    max_length: int | None = None  # characters of a string
    max_items: int | None = None  # items of a list
    pattern: str | None = None
    code_list: CodeList | None = None


# (serializer field class, wire type), most specific first: the first match names the field's type.
SCALAR_TYPES: list[tuple[type[serializers.Field], str]] = [
    (CodeField, "CodeAndSystem"),
    (serializers.ChoiceField, "code"),
    (serializers.BooleanField, "boolean"),
    (serializers.IntegerField, "integer"),
    (serializers.FloatField, "decimal"),
    (serializers.DateTimeField, "dateTime"),
    (serializers.DateField, "date"),
    (serializers.UUIDField, "uuid"),
    (serializers.CharField, "string"),
]
# The types of what a serializer writes itself (Meta.response_properties: OpenAPI schemas).
SCHEMA_TYPES = {("string", "date-time"): "dateTime", ("string", ""): "string", ("object", ""): "object"}


def scalar_type(field: serializers.Field) -> str | None:
    for field_class, name in SCALAR_TYPES:
        if isinstance(field, field_class):
            return name
    return None


def _displays(label: Any) -> tuple[str, str]:
    with translation.override("nb"):
        norwegian = str(label)
    with translation.override("en"):
        english = str(label)
    return norwegian, english


def code_system_list(system: CodeSystem) -> CodeList:
    return CodeList(
        system.name,
        system.title,
        tuple((code, norwegian, english) for code, (norwegian, english) in system.entries.items()),
    )


def choices_list(field: serializers.ChoiceField) -> CodeList:
    wire = field.wire if isinstance(field, AliasChoiceField) else {}  # NHN's spelling, where it has its own
    return CodeList(
        None, None, tuple((wire.get(code, code), *_displays(label)) for code, label in field.choices.items())
    )


def code_list_of(field: serializers.Field) -> CodeList | None:
    if isinstance(field, CodeField):
        return code_system_list(field.code_system)
    if isinstance(field, serializers.ChoiceField):
        return choices_list(field)
    return None


def _pattern(field: serializers.Field) -> str | None:
    for validator in field.validators:
        if isinstance(validator, RegexValidator):
            regex = validator.regex
            return regex if isinstance(regex, str) else regex.pattern
    return None


def limited(wire: WireField, field: serializers.Field) -> WireField:
    """The row with the field's limits: its range, its length (a string's), its pattern."""
    return replace(
        wire,
        minimum=getattr(field, "min_value", None),
        maximum=getattr(field, "max_value", None),
        max_length=field.max_length if isinstance(field, serializers.CharField) else None,
        pattern=_pattern(field),
    )


def fields_of(
    resource: str, path: str, field: serializers.Field, model_field: str = ""
) -> Iterator[WireField]:
    """The rows of one serializer field: itself, then the members of what it nests."""
    wire = WireField(
        resource, path, model_field, required=bool(field.required), read_only=bool(field.read_only)
    )
    if isinstance(field, serializers.ListSerializer):  # a nested serializer, many=True
        child = field.child
        assert isinstance(child, serializers.Serializer)  # many=True wraps a serializer
        yield replace(wire, type="object[]", max_items=getattr(field, "max_length", None))
        yield from _members(resource, f"{path}[].", child)
    elif isinstance(field, serializers.Serializer):
        yield replace(wire, type="object")
        yield from _members(resource, f"{path}.", field)
    elif isinstance(field, serializers.ListField) and isinstance(field.child, serializers.Serializer):
        yield replace(wire, type="object[]", max_items=field.max_length)
        yield from _members(resource, f"{path}[].", field.child)
    elif isinstance(field, serializers.ListField):
        child_type = scalar_type(field.child)
        yield replace(
            limited(wire, field.child),
            type=f"{child_type}[]" if child_type else None,
            max_items=field.max_length,
            code_list=code_list_of(field.child),
        )
    else:
        listed = LISTED_TEXT.get((resource, path))
        code_list = code_list_of(field)
        if listed is not None:
            code_list = CodeList(None, None, tuple((code, *_displays(name)) for code, name in listed.items()))
        yield replace(limited(wire, field), type=scalar_type(field), code_list=code_list)


def _members(resource: str, prefix: str, serializer: serializers.Serializer) -> Iterator[WireField]:
    for name, member in serializer.fields.items():
        yield from fields_of(resource, f"{prefix}{name}", member)


def _response_fields(resource: str, path: str, schema: dict, model_field: str = "") -> Iterator[WireField]:
    """A field the serializer writes itself (`Meta.response_properties`): read-only, as its schema says."""
    kind = SCHEMA_TYPES.get((schema.get("type", ""), schema.get("format", "")))
    properties = schema.get("properties", {})
    yield WireField(resource, path, model_field, kind, read_only=True)
    for name, member in properties.items():
        yield from _response_fields(resource, f"{path}.{name}", member)


def resource_fields(name: str) -> list[WireField]:
    """Every field of one resource type, in the serializer's order; a group's row before its members."""
    serializer_class: type[ResourceSerializer] = SERIALIZERS[name]
    serializer = serializer_class()
    groups = serializer_class.group_members()
    in_group = {flat: (group, inner) for group, members in groups.items() for flat, inner in members.items()}
    written = getattr(serializer_class.Meta, "response_properties", {})
    rows: list[WireField] = []
    for wire, field in serializer.fields.items():
        model_field = field.source if field.source != "*" else ""
        if wire in written:
            rows.extend(_response_fields(name, wire, written[wire], model_field))
            continue
        if wire in in_group:
            group, inner = in_group[wire]
            if not any(row.path == group for row in rows):
                rows.append(WireField(name, group, type="object"))
            wire = f"{group}.{inner}"
        rows.extend(fields_of(name, wire, field, model_field))
    for wire, schema in written.items():
        if wire not in serializer.fields:
            rows.extend(_response_fields(name, wire, schema))
    return rows


def wire_fields(names: Iterable[str] = RESOURCE_TYPES) -> dict[str, list[WireField]]:
    """{resource type: its fields}, for every resource type of the record."""
    return {name: resource_fields(name) for name in names}
