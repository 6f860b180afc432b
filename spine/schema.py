"""OpenAPI descriptions drf-spectacular cannot infer on its own."""

import re

from drf_spectacular import generators
from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerExtension,
    OpenApiSerializerFieldExtension,
)


class SpineClientAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "spine.authentication.SpineClientAuthentication"
    name = "clientCredentials"

    def get_security_definition(self, auto_schema):
        return {
            "type": "oauth2",
            "description": (
                "A client system's token: POST /o/token/ with grant_type=client_credentials, sent as "
                "`Authorization: Bearer`. Or a signed access token (JWT) from a trusted OpenID Connect "
                "issuer such as HelseID: `Bearer`, or `Authorization: DPoP <token>` with a `DPoP` proof "
                "header when the token is bound to a key (RFC 9449). docs/api.md says how."
            ),
            "flows": {
                "clientCredentials": {"tokenUrl": "/o/token/", "scopes": {"record": "Read and write records"}}
            },
        }


class EndpointEnumerator(generators.EndpointEnumerator):
    def get_path_from_regex(self, path_regex):
        """A `$` inside a route is a character of the path (the FHIR operations, `Patient/$find-pregnancy`),
        not an end anchor: escape it, or DRF's simplification drops it and the schema names a path that
        does not exist."""
        return super().get_path_from_regex(re.sub(r"\$(?=.)", r"\\$", path_regex))

    def should_include_endpoint(self, path, callback):
        """An API path with a trailing slash is the same operation as the one without (spine/routes.py):
        documented once."""
        return not getattr(callback, "slash_twin", False) and super().should_include_endpoint(path, callback)


class SchemaGenerator(generators.SchemaGenerator):
    endpoint_inspector_cls = EndpointEnumerator


class StrictSerializerExtension(OpenApiSerializerExtension):
    """Request bodies refuse unknown fields (DHG-0012): say so with `additionalProperties: false`."""

    target_class = "spine.serializers.fields.StrictMixin"
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        if type(self.target).__doc__ is None:  # not StrictMixin's, which is about the code
            schema.pop("description", None)
        if direction == "request":
            schema["additionalProperties"] = False
        return schema


class CodeFieldExtension(OpenApiSerializerFieldExtension):
    """A CodeAndSystem with its code list. On writes only `code` is needed; `display` is filled in."""

    target_class = "spine.serializers.fields.CodeField"

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        system = field.code_system
        if direction == "request":
            schema = {
                "type": "object",
                "required": ["code"],
                "additionalProperties": False,
                "properties": {
                    "code": {"type": "string", "enum": list(system.codes)},
                    "display": {"description": "Ignored: the server fills it in."},
                    "codeSystem": {"type": "string", "nullable": True, "enum": [system.name, "", None]},
                },
            }
        else:
            schema = {
                "type": "object",
                "required": ["code", "display", "codeSystem"],
                "properties": {
                    "code": {"type": "string"},
                    "display": {"type": "string"},
                    "codeSystem": {"type": "string", "enum": [system.name]},
                },
            }
        if field.allow_null:
            schema["nullable"] = True
        return schema


class AliasChoiceFieldExtension(OpenApiSerializerFieldExtension):
    """A choice with alternative spellings: requests may use any of them, answers use the wire spelling
    (`rhesusDType`: NHN's documented `POSTIVE` is written out, `POSITIVE` is accepted too)."""

    target_class = "spine.serializers.fields.AliasChoiceField"

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        schema = auto_schema._map_serializer_field(field, direction, bypass_extensions=True)
        if direction == "request":
            values = [*field.choices, *field.aliases]
        else:
            values = [field.wire.get(value, value) for value in field.choices]
        schema["enum"] = [*dict.fromkeys(values), *([None] if field.allow_null else [])]
        return schema


class ResourceSerializerExtension(OpenApiSerializerExtension):
    """A resource in its wire shape: the groups the wire format nests (`assistedConception`, `aboRh`, ...) as
    objects, and `metadata` (the server's on answers; on a PUT, the version the client read)."""

    target_class = "spine.serializers.resources.ResourceSerializer"
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        from .serializers.metadata import ResourceMetadataSerializer

        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        properties = schema["properties"]
        required = set(schema.get("required", []))
        for group, members in self.target.group_members().items():
            properties[group] = {
                "type": "object",
                "nullable": True,
                "properties": {inner: properties.pop(name) for name, inner in members.items()},
            }
            if direction == "request":
                properties[group]["additionalProperties"] = False
            required -= set(members)
        if direction == "request":
            properties = {"metadata": VERSION_METADATA, **properties}
            schema["additionalProperties"] = False
        else:
            metadata = auto_schema.resolve_serializer(ResourceMetadataSerializer, direction)
            properties = {"metadata": metadata.ref, **properties}
            required.add("metadata")
            properties.update(getattr(self.target.Meta, "response_properties", {}))
        schema["properties"] = properties
        schema.pop("required", None)
        if required:
            schema["required"] = sorted(required)
        schema["description"] = self.target.__doc__ or f"The {self.target.Meta.model._meta.verbose_name}."
        return schema


VERSION_METADATA = {
    "description": 'Ignored on POST. On PUT (required): {"version": the version of the resource you read}; '
    "anything else in it is ignored.",
}
