"""`Patient/{id}/$everything`: the record document, as the caller may see it, as one FHIR searchset Bundle
walked page by page.

The walk is the same list every time for one revision of the record and one view of it (the caller's
record filter and `_type`): the Patient, the pregnancy (EpisodeOfCare), the Care Locations
(Organization), then every resource in the document's order (`mapping.FHIR_MAPPING`). A page is a slice
of it; only the page's resources are built. The `next` link carries an opaque cursor, signed, that names
the record, its revision, the view and the offset: if the record changed since the first page, the next
page is refused (409) rather than mixing two versions of the record.

Restricted entries (stubs in the caller's document: `{"id": ..., "restricted": true}` in a list,
`{"restricted": true}` for a singleton) become no clinical resource. The first page carries one
OperationOutcome (search mode "outcome", which FHIR clients know is not data) with an `information` issue
of type `suppressed` per restricted entry, naming only its resource type and id. Not a placeholder resource
with a confidentiality label: a placeholder would have to carry a code and a status it does not have, and
a client that ignores `meta.security` would read it as data.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.core import signing

from .mapping import (
    EDD_AGREED,
    FHIR_MAPPING,
    PRODUCED_TYPES,
    PatientKeys,
    Walk,
    agreed_edd_of,
    built,
    edd_of,
    organization_id,
    organization_of,
    patient_of,
    pregnancy_of,
    resource_of,
)
from .parse import FhirInvalid

DEFAULT_COUNT = 50
MAX_COUNT = 500
CURSOR_SALT = "spine.fhir.everything"
PARAMETERS = ("_count", "_type", "_cursor")
UNSUPPORTED = ("start", "end", "_since")  # $everything's date filters: refused, never silently ignored


@dataclass(frozen=True)
class Source:
    """One resource of the walk, built only when its page is."""

    resource_type: str
    make: Callable[[], dict]


@dataclass(frozen=True)
class Restricted:
    nhn_type: str
    resource_type: str  # the FHIR type it would have had
    id: str | None  # None for a singleton


@dataclass(frozen=True)
class EverythingQuery:
    count: int
    types: tuple[str, ...]  # FHIR resource types asked for (empty: all)
    cursor: str | None


def _one(values: dict[str, list[str]], name: str) -> str | None:
    found = values.get(name) or []
    if len(found) > 1:
        raise FhirInvalid(f"{name} was sent {len(found)} times: send it once.", status=400, code="value")
    return found[0] if found else None


def parse_query(values: dict[str, list[str]]) -> EverythingQuery:
    """The operation's parameters (from the query string, or a POSTed Parameters resource): `_count` (a
    whole number 0-{MAX_COUNT}; more is served as {MAX_COUNT}, as FHIR lets a server), `_type` (a comma list
    of FHIR resource types) and `_cursor` (from a `next` link). Anything malformed is a 400."""
    for name in UNSUPPORTED:
        if name in values:
            raise FhirInvalid(
                f"{name} is not supported by $everything here: the whole pregnancy is returned.",
                status=400,
                code="not-supported",
            )
    raw_count = _one(values, "_count")
    count = DEFAULT_COUNT
    if raw_count is not None:
        if not raw_count.isascii() or not raw_count.isdigit() or len(raw_count) > 9:
            raise FhirInvalid(
                f"_count must be a whole number from 0 to {MAX_COUNT}, got {raw_count[:40]!r}.",
                status=400,
                code="value",
            )
        count = min(int(raw_count), MAX_COUNT)
    types: list[str] = []
    for value in values.get("_type") or []:
        for name in value.split(","):
            name = name.strip()
            if name not in PRODUCED_TYPES:
                raise FhirInvalid(
                    f"_type: {name[:40]!r} is not a resource type $everything returns; it returns "
                    f"{', '.join(sorted(PRODUCED_TYPES))}.",
                    status=400,
                    code="value",
                )
            if name not in types:
                types.append(name)
    return EverythingQuery(count=count, types=tuple(types), cursor=_one(values, "_cursor"))


def walk_of(document: dict, keys: PatientKeys, record_id: str) -> tuple[list[Source], list[Restricted]]:
    """Every resource of the caller's document, in order, unbuilt; and its restricted entries."""
    walk = Walk(record_id=record_id)
    restricted: list[Restricted] = []
    items: list[tuple[str, dict]] = []  # (NHN type, item) of every clinical resource, in document order
    for name, value in document.items():
        if name == "metadata" or value is None:
            continue
        mapping = FHIR_MAPPING[name]  # a type with no mapping fails loudly (a test fills every type)
        for item in value if isinstance(value, list) else [value]:
            if item.get("restricted"):
                restricted.append(Restricted(name, mapping.resource_type, item.get("id")))
            elif name != "mother":  # her demographics are the Patient's
                items.append((name, item))

    episodes = [item for name, item in items if name == "careLocations"]
    organizations: dict[str, str | None] = {}  # org nr -> name, of every care episode the caller sees
    for item in episodes:
        location = item.get("careLocation") or {}
        if location.get("orgNr"):
            organizations.setdefault(location["orgNr"], location.get("name"))
    episodes = [item for item in episodes if not item["metadata"].get("enteredInError")]
    walk.organizations = {organization_id(org_nr) for org_nr in organizations}
    latest = max(episodes, key=lambda item: item.get("startTime") or "", default=None)
    active_org = None
    if latest is not None:
        walk.active_episode = latest["metadata"]["id"]
        org_nr = (latest.get("careLocation") or {}).get("orgNr")
        active_org = organization_id(org_nr) if org_nr else None

    sources = [
        Source("Patient", lambda: patient_of(document, keys, walk)),
        Source("EpisodeOfCare", lambda: pregnancy_of(document, walk, active_org)),
        *(
            Source("Organization", partial(organization_of, org_nr, name))
            for org_nr, name in organizations.items()
        ),
    ]
    for name, item in items:
        sources.append(Source(FHIR_MAPPING[name].resource_type, partial(resource_of, name, item, walk)))
        if name == "currentPregnancy":
            edd = agreed_edd_of(item)
            if edd is not None:
                sources.append(Source(EDD_AGREED.resource_type, partial(edd_of, edd, walk)))
    return sources, restricted


# --- the cursor -----------------------------------------------------------------------------------------


def view_stamp(visible: list[str], types: tuple[str, ...], document: dict) -> str:
    """What the caller may see and asked for (record filter, the restricted entries hidden from her, and
    `_type`): a cursor is for one view. A professional who opens a restricted entry (or whose opening runs
    out) mid-walk sees more (or less) at the same revision, so her cursor is refused like a changed record."""
    hidden = sorted(
        f"{name}/{item.get('id', '')}" if isinstance(item, dict) else name
        for name, value in document.items()
        for item in (value if isinstance(value, list) else [value])
        if isinstance(item, dict) and item.get("restricted") is True
    )
    text = ",".join(sorted(visible)) + "|" + ",".join(sorted(types)) + "|" + ",".join(hidden)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def cursor_make(*, record_id: str, revision: int, view: str, offset: int) -> str:
    return signing.dumps({"r": record_id, "v": revision, "w": view, "o": offset}, salt=CURSOR_SALT)


def cursor_offset(cursor: str, *, record_id: str, revision: int, view: str) -> int:
    """Where the walk goes on. A cursor that is not one of ours, or of another record, is a 400; one made
    before the record (or what the caller may see of it) changed is a 409: start again."""
    try:
        data = signing.loads(cursor[:2000], salt=CURSOR_SALT)
    except signing.BadSignature:
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("o"), int) or data.get("r") != record_id:
        raise FhirInvalid(
            "_cursor is not a cursor of this record's $everything: follow the `next` link of its last page, "
            "or start again without _cursor.",
            status=400,
            code="value",
        )
    if data.get("v") != revision or data.get("w") != view:
        raise FhirInvalid(
            "The record (or what you may see of it) changed since the first page of this walk: start again "
            "from the first page (without _cursor) for a consistent view.",
            status=409,
            code="conflict",
        )
    return data["o"]


# --- the page -------------------------------------------------------------------------------------------


def operation_url(base_url: str, record_id: str, query: EverythingQuery, cursor: str | None) -> str:
    params: list[tuple[str, str]] = [("_count", str(query.count))]
    if query.types:
        params.append(("_type", ",".join(query.types)))
    if cursor:
        params.append(("_cursor", cursor))
    return f"{base_url}Patient/{record_id}/$everything?{urlencode(params)}"


@dataclass(frozen=True)
class Page:
    bundle: dict
    first: int  # the first entry's index in the walk (0-based)
    shown: int  # how many
    total: int


def everything_page(
    *,
    document: dict,
    keys: PatientKeys,
    record_id: str,
    revision: int,
    view: str,
    query: EverythingQuery,
    base_url: str,
) -> Page:
    """One page of the walk as a searchset Bundle, with `self` and (when there is more) `next` links."""
    sources, restricted = walk_of(document, keys, record_id)
    if query.types:
        sources = [source for source in sources if source.resource_type in query.types]
        restricted = [entry for entry in restricted if entry.resource_type in query.types]
    offset = 0
    if query.cursor is not None:
        offset = cursor_offset(query.cursor, record_id=record_id, revision=revision, view=view)
    page = sources[offset : offset + query.count]
    entries: list[dict[str, Any]] = []
    if offset == 0 and restricted and query.count:
        entries.append({"resource": restricted_outcome(restricted), "search": {"mode": "outcome"}})
    for source in page:
        resource = source.make()
        entries.append(
            {
                "fullUrl": f"{base_url}{resource['resourceType']}/{resource['id']}",
                "resource": resource,
                "search": {"mode": "match"},
            }
        )
    here = query.cursor if offset else None
    links = [{"relation": "self", "url": operation_url(base_url, record_id, query, here)}]
    end = offset + len(page)
    if query.count and end < len(sources):
        following = cursor_make(record_id=record_id, revision=revision, view=view, offset=end)
        links.append({"relation": "next", "url": operation_url(base_url, record_id, query, following)})
    bundle = built(
        {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": len(sources),
            "link": links,
            "entry": entries or None,
        }
    )
    return Page(bundle=bundle, first=offset, shown=len(page), total=len(sources))


def restricted_outcome(restricted: list[Restricted]) -> dict:
    """That something is restricted, without what: per entry its resource type and id, nothing else."""
    issues = [
        {
            "severity": "information",
            "code": "suppressed",
            "diagnostics": (
                f"A restricted {entry.nhn_type} entry (FHIR {entry.resource_type}"
                + (f" {entry.id}" if entry.id else "")
                + ") is left out. Opening it takes a reason and is audited."
            ),
        }
        for entry in restricted
    ]
    return built({"resourceType": "OperationOutcome", "issue": issues})
