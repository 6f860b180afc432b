"""The data dictionary in one language: every resource type and field of the record with its words (label,
description), its rules (type, unit, required, range, length, pattern, code list), where it lands in FHIR,
and the versions that added and changed it.

It is made from the code (`walk`: the serializers and models; `descriptions`; spine's FHIR mapping;
dataset.changelog's HISTORY) and so is fixed for a version of the code and a language: it is made once per
language in a process (`dictionary`), and a page costs only the query for the release row.
"""

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.utils import translation

from dataset.changelog import added_in, changed_in
from dataset.versions import DATA_SET_VERSION
from maternity.presentation.specs import label as field_label
from maternity.presentation.specs import section
from maternity.rules.resources import RESOURCE_TYPES, ResourceType
from spine.fhir.mapping import FHIR_MAPPING, field_element

from .descriptions import CODE_SYSTEM_TITLES, DESCRIPTIONS, LABELS, UNITS
from .walk import CodeList, WireField, wire_fields


@dataclass(frozen=True)
class Code:
    code: str
    display: str  # Norwegian (Volven's, as the API sends it)
    display_en: str
    shown: str  # in the dictionary's language


@dataclass(frozen=True)
class CodeListEntry:
    system: str | None  # None: the data set's own values, sent as plain strings
    title: str | None
    codes: tuple[Code, ...]


@dataclass(frozen=True)
class FieldEntry:
    resource: str
    name: str  # the wire path
    label: str
    description: str
    type: str
    unit: str
    required: bool
    read_only: bool
    minimum: int | float | None
    maximum: int | float | None
    max_length: int | None
    max_items: int | None
    pattern: str | None
    code_list: CodeListEntry | None
    fhir_element: str
    added_in: str
    changed_in: tuple[str, ...]

    @property
    def depth(self) -> int:
        """How deep it is nested: 0 for a field of the resource, 1 for a member of a group or list..."""
        return self.name.count(".")

    @property
    def has_rules(self) -> bool:
        """Whether anything limits its values beyond its type (a range, a length, a pattern, a code list)."""
        limits = (self.minimum, self.maximum, self.max_length, self.max_items, self.pattern, self.code_list)
        return any(limit is not None for limit in limits)

    @property
    def name_steps(self) -> list[str]:
        """The name in steps, each ending where a line may break (after a dot)."""
        return _steps(self.name)

    @property
    def fhir_steps(self) -> list[str]:
        return _steps(self.fhir_element)

    @property
    def anchor(self) -> str:
        return f"{self.resource}-{self.name.replace('[]', '').replace('.', '-')}"


def _steps(path: str) -> list[str]:
    steps = path.split(".")
    return [f"{step}." for step in steps[:-1]] + steps[-1:]


@dataclass(frozen=True)
class FhirEntry:
    resource_type: str
    code: str
    system: str
    display: str
    category: str


@dataclass(frozen=True)
class ResourceEntry:
    name: str  # the wire name
    label: str
    extension: bool  # this project's own, not NHN's
    is_list: bool
    fhir: FhirEntry
    added_in: str
    changed_in: tuple[str, ...]
    fields: tuple[FieldEntry, ...]


@dataclass(frozen=True)
class Dictionary:
    version: str
    language: str
    resources: tuple[ResourceEntry, ...]

    def resource(self, name: str) -> ResourceEntry | None:
        return next((resource for resource in self.resources if resource.name == name), None)


def _code_list(code_list: CodeList | None, norwegian: bool) -> CodeListEntry | None:
    if code_list is None:
        return None
    title = CODE_SYSTEM_TITLES.get(code_list.system or "", code_list.title)
    return CodeListEntry(
        code_list.system,
        str(title) if title is not None else None,
        tuple(Code(code, nb, en, nb if norwegian else en) for code, nb, en in code_list.codes),
    )


def _field(rt: ResourceType, wire: WireField, norwegian: bool) -> FieldEntry:
    label = field_label(rt, wire.model_field) if wire.model_field else str(LABELS[rt.name][wire.path])
    return FieldEntry(
        resource=rt.name,
        name=wire.path,
        label=label,
        description=str(DESCRIPTIONS[rt.name][wire.path]),
        type=wire.type or "",
        unit=UNITS.get(rt.name, {}).get(wire.path, ""),
        required=wire.required,
        read_only=wire.read_only,
        minimum=wire.minimum,
        maximum=wire.maximum,
        max_length=wire.max_length,
        max_items=wire.max_items,
        pattern=wire.pattern,
        code_list=_code_list(wire.code_list, norwegian),
        fhir_element=field_element(rt.name, wire.path),
        added_in=added_in(rt.name, wire.path),
        changed_in=tuple(changed_in(rt.name, wire.path)),
    )


def _resource(rt: ResourceType, fields: list[WireField], norwegian: bool) -> ResourceEntry:
    mapping = FHIR_MAPPING[rt.name]
    return ResourceEntry(
        name=rt.name,
        label=str(section(rt).title),
        extension=rt.extension,
        is_list=rt.is_list,
        fhir=FhirEntry(
            mapping.resource_type, mapping.code, mapping.system, mapping.display, mapping.category
        ),
        added_in=added_in(rt.name),
        changed_in=tuple(changed_in(rt.name)),
        fields=tuple(_field(rt, wire, norwegian) for wire in fields),
    )


@lru_cache(maxsize=len(settings.LANGUAGES))
def dictionary(language: str) -> Dictionary:
    """The whole dictionary in `language` (one of settings.LANGUAGES), made once per process."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Not a language of this site: {language!r}")
    with translation.override(language):
        norwegian = language == "nb"
        resources = tuple(
            _resource(RESOURCE_TYPES[name], fields, norwegian) for name, fields in wire_fields().items()
        )
    return Dictionary(DATA_SET_VERSION, language, resources)
