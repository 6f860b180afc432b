"""What a proposal, a comment or a reason may hold, checked the same way for every caller (the pages, the
demo, a test): text (required or not, its length, no control character), the resources a change touches,
the draft of its fields and the version it is scheduled for. Each refusal is an `Invalid` naming the field,
worded in the reader's language."""

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from dataset.models import DataSetRelease, DraftFieldType
from dataset.models.proposals import NEW_RESOURCE
from dataset.versions import DATA_SET_VERSION, is_version, version_key
from maternity.errors import Invalid
from maternity.http.control_characters import TEXT_CONTROLS, described
from maternity.rules.resources import RESOURCE_TYPES
from maternity.rules.wording import Text, worded

DRAFT_FIELDS_MAX = 30
DRAFT_NAME = re.compile(r"^[a-z][A-Za-z0-9]{0,59}$")  # camelCase, as the data set's wire names
DRAFT_KEYS = ("name", "type", "unit", "required", "description")
UNIT_MAX = 40
DESCRIPTION_MAX = 1000
LINE_BREAKS = re.compile(r"[\t\r\n]")


def text_of(
    value: object,
    *,
    field: str,
    what: Text,
    most: int,
    missing: Text | None = None,
    one_line: bool = False,
) -> str:
    """`value` trimmed. `missing`: the refusal when it is empty (None: it may be). `what` names it in a
    refusal ("The title"). Tabs and line breaks only where it is more than `one_line`."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid(worded(_("%(what)s must be text."), what=what), field=field)
    text = value.strip()
    if not text and missing is not None:
        raise Invalid(missing, field=field)
    if len(text) > most:
        raise Invalid(
            worded(
                _("%(what)s is %(length)d characters long; it can be at most %(most)d."),
                what=what,
                length=len(text),
                most=most,
            ),
            field=field,
        )
    control = (LINE_BREAKS.search(text) if one_line else None) or TEXT_CONTROLS.search(text)
    if control:
        raise Invalid(
            worded(
                _("%(what)s holds the control character %(character)s: remove it."),
                what=what,
                character=described(control.group()),
            ),
            field=field,
        )
    return text


def resources_of(value: object) -> list[str]:
    """The resources a change touches: wire names of the data set's resources, or "new"; at least one.
    In the data set's order, each once, "new" last."""
    if not isinstance(value, list | tuple) or not all(isinstance(name, str) for name in value):
        raise Invalid(_("The resources must be a list of the data set's resource names."), field="resources")
    if not value:
        raise Invalid(
            _('Choose the resources the change touches, or "A new resource" for one the data set lacks.'),
            field="resources",
        )
    unknown = sorted({name for name in value if name not in RESOURCE_TYPES and name != NEW_RESOURCE})
    if unknown:
        raise Invalid(
            worded(
                _('Unknown resource %(names)s: choose among the data set\'s resources, or "A new resource".'),
                names=", ".join(repr(name[:60]) for name in unknown[:5]),
            ),
            field="resources",
        )
    chosen = set(value)
    return [name for name in [*RESOURCE_TYPES, NEW_RESOURCE] if name in chosen]


def draft_fields_of(value: object) -> list[dict[str, Any]]:
    """The draft of the fields: up to 30 rows of name (camelCase, each once), type (one of
    DraftFieldType), unit, required (yes or no) and description. A refusal's field is
    "draft_fields.<row index>.<key>"."""
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise Invalid(_("The draft of the fields must be a list of fields."), field="draft_fields")
    if len(value) > DRAFT_FIELDS_MAX:
        raise Invalid(
            worded(
                _("The draft has %(count)d fields; it can have at most %(most)d."),
                count=len(value),
                most=DRAFT_FIELDS_MAX,
            ),
            field="draft_fields",
        )
    rows = [_draft_field(row, index) for index, row in enumerate(value)]
    seen: set[str] = set()
    for index, row in enumerate(rows):
        if row["name"] in seen:
            raise Invalid(
                worded(
                    _("Field %(row)d: %(name)s is named twice in the draft: give each field its own name."),
                    row=index + 1,
                    name=row["name"],
                ),
                field=f"draft_fields.{index}.name",
            )
        seen.add(row["name"])
    return rows


def _draft_field(row: object, index: int) -> dict[str, Any]:
    def where(key: str) -> str:
        return f"draft_fields.{index}.{key}"

    number = index + 1
    if not isinstance(row, Mapping):
        not_a_field = worded(_("Field %(row)d of the draft is not a field."), row=number)
        raise Invalid(not_a_field, field=where("name"))
    unknown = sorted(str(key)[:40] for key in row if key not in DRAFT_KEYS)
    if unknown:
        raise Invalid(
            worded(
                _(
                    "Field %(row)d: unknown part %(keys)s (a field has a name, type, unit, required and "
                    "description)."
                ),
                row=number,
                keys=", ".join(repr(key) for key in unknown[:5]),
            ),
            field=where("name"),
        )
    label = worded(_("Field %(row)d: the name"), row=number)
    name = text_of(
        row.get("name"),
        field=where("name"),
        what=label,
        most=60,
        one_line=True,
        missing=worded(_("Field %(row)d: give it a name."), row=number),
    )
    if not DRAFT_NAME.match(name):
        raise Invalid(
            worded(
                _(
                    "Field %(row)d: %(name)s is not a field name. Write it as the data set does: a letter, "
                    'then letters and digits, no spaces (e.g. "cordBloodPh").'
                ),
                row=number,
                name=repr(name),
            ),
            field=where("name"),
        )
    kind = row.get("type")
    if kind not in DraftFieldType.values:
        raise Invalid(
            worded(
                _("Field %(row)d: choose its type (%(types)s)."),
                row=number,
                types=", ".join(str(label) for label in DraftFieldType.labels),
            ),
            field=where("type"),
        )
    required = row.get("required", False)
    if not isinstance(required, bool):
        raise Invalid(
            worded(_("Field %(row)d: say whether it is required (yes or no)."), row=number),
            field=where("required"),
        )
    return {
        "name": name,
        "type": kind,
        "unit": text_of(
            row.get("unit"),
            field=where("unit"),
            what=worded(_("Field %(row)d: the unit"), row=number),
            most=UNIT_MAX,
            one_line=True,
        ),
        "required": required,
        "description": text_of(
            row.get("description"),
            field=where("description"),
            what=worded(_("Field %(row)d: the description"), row=number),
            most=DESCRIPTION_MAX,
        ),
    }


def latest_release() -> str | None:
    """The highest data-set version released (None before the first)."""
    versions = [version for version in DataSetRelease.objects.values_list("version", flat=True)]
    return max(versions, key=version_key, default=None)


def schedulable_version(value: object, *, implemented: str = DATA_SET_VERSION) -> str:
    """A version a proposal may be scheduled for: a version, later than the last released, and not before
    the one this server implements (`implemented`)."""
    text = text_of(
        value,
        field="scheduled_version",
        what=_("The version"),
        most=20,
        one_line=True,
        missing=worded(
            _('Give the data-set version to schedule it for, e.g. "%(version)s".'), version=implemented
        ),
    )
    if not is_version(text):
        raise Invalid(
            worded(
                _(
                    "%(version)s is not a data-set version: write three whole numbers with dots between, "
                    'e.g. "%(example)s".'
                ),
                version=repr(text),
                example=implemented,
            ),
            field="scheduled_version",
        )
    latest = latest_release()
    if latest is not None and version_key(text) <= version_key(latest):
        raise Invalid(
            worded(
                _("Version %(latest)s is already released: schedule it for a later version."),
                latest=latest,
            ),
            field="scheduled_version",
        )
    if version_key(text) < version_key(implemented):
        raise Invalid(
            worded(
                _("This server implements version %(current)s: schedule it for %(current)s or a later one."),
                current=implemented,
            ),
            field="scheduled_version",
        )
    return text
