"""Building blocks for the NHN wire format: camelCase names, strict objects, coded values."""

import datetime
from collections.abc import Mapping

from django.utils import timezone
from rest_framework import serializers

from maternity.rules.codes import CodeSystem


def json_type(value) -> str:
    """The JSON name of a parsed value's type, for error messages ("got an array")."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def camel(snake: str) -> str:
    first, *rest = snake.split("_")
    return first + "".join(part[:1].upper() + part[1:] for part in rest)


class StrictMixin:
    """Unknown keys are an error (a typo must not silently drop data); a non-object is an error."""

    def to_internal_value(self, data):
        if not isinstance(data, Mapping):
            raise serializers.ValidationError(
                {"non_field_errors": [f"Expected a JSON object, got {json_type(data)}."]}, code="invalid"
            )
        unknown = sorted(set(data) - {name for name, f in self.fields.items() if not f.read_only})
        if unknown:
            raise serializers.ValidationError(
                {name: ["Unknown field."] for name in unknown}, code="unknown_field"
            )
        return super().to_internal_value(data)


class CodeField(serializers.Field):
    """A CodeAndSystem: `{code, display, codeSystem}` on the wire, the code alone in the database. (Its
    OpenAPI schema, with the code list, is in spine.schema.)"""

    default_error_messages = {
        "not_object": 'Expected an object like {{"code": "..."}}, got {kind}.',
        "unknown_code": "Unknown code '{code}' in {system}.",
        "wrong_system": "codeSystem must be {expected}, got '{got}'.",
        "missing_code": "code is required.",
    }

    def __init__(self, code_system: CodeSystem, **kwargs):
        self.code_system = code_system
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, Mapping):
            self.fail("not_object", kind=json_type(data))
        unknown = set(data) - {"code", "display", "codeSystem"}
        if unknown:
            raise serializers.ValidationError(
                f"Unknown field(s) in a coded value: {', '.join(sorted(unknown))}."
            )
        code = data.get("code")
        if not isinstance(code, str) or not code.strip():
            self.fail("missing_code")
        system = data.get("codeSystem")
        if system not in (None, "", self.code_system.name):
            raise serializers.ValidationError(
                self.error_messages["wrong_system"].format(expected=self.code_system.name, got=system),
                code="unknown_code",
            )
        if code not in self.code_system.codes:
            raise serializers.ValidationError(
                self.error_messages["unknown_code"].format(code=code, system=self.code_system.name),
                code="unknown_code",
            )
        return code

    def to_representation(self, value):
        return {
            "code": value,
            "display": self.code_system.codes.get(value, ""),
            "codeSystem": self.code_system.name,
        }


# JSON types as the schema says them. DRF's fields convert what they are given: "12" and 12.0 become 12,
# "no", "0" and 0.0 become false, 42 becomes "42". A client that sends the wrong type has a bug, and in a
# health record a silent conversion (a string "no" read as false) should not pass unnoticed.


class TextField(serializers.CharField):
    """A JSON string and nothing else."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            raise serializers.ValidationError(f"Expected a string, got {json_type(data)}.", code="invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """true or false and nothing else."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            raise serializers.ValidationError(
                f"Expected true or false, got {json_type(data)}.", code="invalid"
            )
        return data


class StrictIntegerField(serializers.IntegerField):
    """A JSON whole number (not a string, not 12.0, not a boolean)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            raise serializers.ValidationError(
                f"Expected a whole number, got {json_type(data)}.", code="invalid"
            )
        return super().to_internal_value(data)


class StrictFloatField(serializers.FloatField):
    """A JSON number (not a string, not a boolean)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float):
            raise serializers.ValidationError(f"Expected a number, got {json_type(data)}.", code="invalid")
        return super().to_internal_value(data)


class StrictChoiceField(serializers.ChoiceField):
    """One of the choices, as a string (DRF's would take 1 for "1")."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


class AliasChoiceField(StrictChoiceField):
    """A choice field that also accepts known alternative spellings (e.g. NHN's `POSTIVE`) and writes
    the wire spelling back out."""

    def __init__(self, *, aliases: dict[str, str], wire: dict[str, str] | None = None, **kwargs):
        self.aliases = aliases
        self.wire = wire or {}
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        return super().to_internal_value(self.aliases.get(data, data) if isinstance(data, str) else data)

    def to_representation(self, value):
        return self.wire.get(value, value) if value is not None else None


class UtcDateTimeField(serializers.DateTimeField):
    """Accepts any offset (a time without one is local time); writes UTC with a `Z`, as NHN's examples do,
    so a client gets back the instant it sent in the form it was documented."""

    def to_representation(self, value):
        with timezone.override(datetime.UTC):
            return super().to_representation(value)
