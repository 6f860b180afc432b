"""The dictionary page's filters: `q`, words a field's name, label or description holds (every word, in any
order, whatever the case), and `resource`, one resource type by its wire name."""

from dataclasses import replace

from .build import Dictionary, FieldEntry, ResourceEntry

MAX_QUERY = 200  # characters: longer is no search a person types


def _text(*parts: str) -> str:
    return " ".join(parts).casefold()


def _matches(words: list[str], text: str) -> bool:
    return all(word in text for word in words)


def field_matches(words: list[str], field: FieldEntry) -> bool:
    return _matches(words, _text(field.name, field.label, field.description))


def matching(dictionary: Dictionary, *, q: str = "", resource: str = "") -> list[ResourceEntry]:
    """The resource types to show, each with the fields to show: every field of a resource type whose name
    or label holds the words, else the fields that hold them. `resource` must be a wire name the
    dictionary has (or "" for all)."""
    resources = [entry for entry in dictionary.resources if not resource or entry.name == resource]
    words = q.casefold().split()
    if not words:
        return resources
    shown = []
    for entry in resources:
        if _matches(words, _text(entry.name, entry.label)):
            shown.append(entry)
            continue
        fields = tuple(field for field in entry.fields if field_matches(words, field))
        if fields:
            shown.append(replace(entry, fields=fields))
    return shown
