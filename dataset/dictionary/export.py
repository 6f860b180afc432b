"""The dictionary as the downloads write it: JSON for programs, CSV (one row per field) for spreadsheets.

The keys and the CSV's columns are English and stay the same in every language and version, so a program
can read them; the labels, descriptions and code displays in them are in the dictionary's language. The
CSV is written by `maternity.http.csv_export`, which keeps a cell from being read as a formula.
"""

import datetime
from collections.abc import Iterator
from typing import Any

from .build import CodeListEntry, Dictionary, FieldEntry, ResourceEntry


def filename(version: str, extension: str) -> str:
    return f"maternity-data-set-{version}.{extension}"


def _code_list(code_list: CodeListEntry | None) -> dict[str, Any] | None:
    if code_list is None:
        return None
    return {
        "system": code_list.system,
        "title": code_list.title,
        "codes": [{"code": c.code, "display": c.display, "displayEn": c.display_en} for c in code_list.codes],
    }


def _field(entry: FieldEntry) -> dict[str, Any]:
    return {
        "name": entry.name,
        "label": entry.label,
        "description": entry.description,
        "type": entry.type,
        "unit": entry.unit or None,
        "required": entry.required,
        "readOnly": entry.read_only,
        "minimum": entry.minimum,
        "maximum": entry.maximum,
        "maxLength": entry.max_length,
        "maxItems": entry.max_items,
        "pattern": entry.pattern,
        "codeList": _code_list(entry.code_list),
        "fhirElement": entry.fhir_element,
        "addedIn": entry.added_in,
        "changedIn": list(entry.changed_in),
    }


def _resource(entry: ResourceEntry) -> dict[str, Any]:
    return {
        "name": entry.name,
        "label": entry.label,
        "extension": entry.extension,
        "list": entry.is_list,
        "fhir": {
            "resourceType": entry.fhir.resource_type,
            "code": entry.fhir.code,
            "system": entry.fhir.system,
            "display": entry.fhir.display,
            "category": entry.fhir.category or None,
        },
        "addedIn": entry.added_in,
        "changedIn": list(entry.changed_in),
        "fields": [_field(field) for field in entry.fields],
    }


def as_json(dictionary: Dictionary, *, released_on: datetime.date | None, openapi: str) -> dict[str, Any]:
    """The JSON download: the data set's version, its release date (None: not yet released), where its
    OpenAPI schema is, and every resource type with its fields."""
    return {
        "dataSet": {
            "version": dictionary.version,
            "releasedOn": released_on.isoformat() if released_on else None,
            "openapi": openapi,
            "language": dictionary.language,
        },
        "resources": [_resource(resource) for resource in dictionary.resources],
    }


CSV_HEADER = [
    "resource",
    "resourceLabel",
    "extension",
    "name",
    "label",
    "description",
    "type",
    "unit",
    "required",
    "readOnly",
    "minimum",
    "maximum",
    "maxLength",
    "maxItems",
    "pattern",
    "codeSystem",
    "codeListTitle",
    "codes",
    "fhirResourceType",
    "fhirElement",
    "addedIn",
    "changedIn",
]


def _yes_no(value: bool) -> str:
    return "true" if value else "false"


def _codes(code_list: CodeListEntry | None) -> str:
    return "; ".join(f"{code.code} = {code.shown}" for code in code_list.codes) if code_list else ""


def csv_rows(dictionary: Dictionary) -> Iterator[list[object]]:
    """One row per field, in CSV_HEADER's order; codes as "code = display" joined by "; "."""
    for resource in dictionary.resources:
        for field in resource.fields:
            yield [
                resource.name,
                resource.label,
                _yes_no(resource.extension),
                field.name,
                field.label,
                field.description,
                field.type,
                field.unit,
                _yes_no(field.required),
                _yes_no(field.read_only),
                field.minimum,
                field.maximum,
                field.max_length,
                field.max_items,
                field.pattern,
                field.code_list.system if field.code_list else None,
                field.code_list.title if field.code_list else None,
                _codes(field.code_list),
                resource.fhir.resource_type,
                field.fhir_element,
                field.added_in,
                "; ".join(field.changed_in),
            ]
