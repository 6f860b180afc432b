"""What ties the dictionary to the code: every field the record has is described, and nothing is described
that it no longer has. `problems()` says what is not so, each naming the field and the file to change;
dataset/tests/test_dictionary_tie.py fails on any.

A field is every content field of every resource type's model (`Model.content_fields()`) and every field
the serializers expose, nested ones included (`walk`). Each must be on the wire (a serializer field), have
a type the walk knows, a description, and a label (a model field's comes from the record pages' words).
"""

from collections.abc import Iterable, Mapping

from .walk import WireField

DESCRIPTIONS_FILE = "dataset/dictionary/descriptions.py"
WALK_FILE = "dataset/dictionary/walk.py"


def problems(
    fields: Mapping[str, Iterable[WireField]],
    *,
    model_fields: Mapping[str, Iterable[str]],
    descriptions: Mapping[str, Mapping[str, object]],
    labels: Mapping[str, Mapping[str, object]],
    units: Mapping[str, Mapping[str, str]],
) -> list[str]:
    """Every way the dictionary and the code disagree, one sentence each; [] when they agree.

    `fields`: {resource type: its wire fields}; `model_fields`: {resource type: its model's content field
    names}; `descriptions`, `labels` and `units`: {resource type: {wire path: ...}} as descriptions.py has
    them."""
    found: list[str] = []
    rows = {name: list(wires) for name, wires in fields.items()}
    for resource, names in model_fields.items():
        on_wire = {wire.model_field for wire in rows.get(resource, [])}
        found += [
            f"{resource}: the model field {name} is in no serializer's fields, so the dictionary cannot show "
            f"it: expose it in spine/serializers/resources.py or make it bookkeeping (Resource.BOOKKEEPING)."
            for name in names
            if name not in on_wire
        ]
    for resource, wires in rows.items():
        for wire in wires:
            where = f"{resource}.{wire.path}"
            if wire.type is None:
                found.append(
                    f"{where} has no type: add its serializer field's class to SCALAR_TYPES in {WALK_FILE}."
                )
            if wire.path not in descriptions.get(resource, {}):
                found.append(
                    f"{where} has no description: add one to {DESCRIPTIONS_FILE}, DESCRIPTIONS[{resource!r}]."
                )
            if not wire.model_field and wire.path not in labels.get(resource, {}):
                found.append(f"{where} has no label: add one to {DESCRIPTIONS_FILE}, LABELS[{resource!r}].")
    known = {(resource, wire.path) for resource, wires in rows.items() for wire in wires}
    for table, entries in (("DESCRIPTIONS", descriptions), ("LABELS", labels), ("UNITS", units)):
        found += [
            f"{DESCRIPTIONS_FILE}, {table}[{resource!r}] names {path}, which the data set does not have: "
            f"remove it (or correct its name)."
            for resource, paths in entries.items()
            for path in paths
            if (resource, path) not in known
        ]
    return found
