"""The history of a section (or of one list item): every version with who, when and from which system,
and a field-by-field comparison of any two versions with the changed fields marked.

Versions come from django-simple-history: each saved version is one historical row carrying the same
who/when/system columns as the resource, so the page needs no other source.
"""

from collections.abc import Iterable
from uuid import UUID

from django.shortcuts import render
from django.utils.translation import gettext as _

from maternity.presentation import specs
from maternity.reads.restrictions import page_restrictions
from maternity.rules.resources import ResourceType

from ...models import AccessAction, CareLocationEpisode, EventAction, Pregnancy
from ...models.base import Resource
from .record import form_queryset, load_record, record_brief, record_view, resource_type_for, section_url
from .restricted import refused_page, restricted_refusal
from .sections import no_such_item

EVENTS_SHOWN = 100
IN_ERROR = "entered_in_error"
IN_ERROR_REASON = "entered_in_error_reason"


def _versions(rt: ResourceType, record: Pregnancy, item_id) -> list:
    """One historical row per version, oldest first (the last row saved for a version wins, except a
    midwife's "marked as read" receipt, which records no change of content)."""
    rows = rt.model.history.filter(record_id=record.pk)
    if item_id is not None:
        rows = rows.filter(id=item_id)
    if rt.name == "careLocations":
        rows = rows.select_related("care_location")
    by_version = {}
    for row in rows.order_by("history_id"):
        if row.history_change_reason == "ACKNOWLEDGED" and row.version in by_version:
            continue
        by_version[row.version] = row
    versions = [by_version[v] for v in sorted(by_version)]
    previous = 0
    for row in versions:
        reason = row.history_change_reason or ""
        row.action_label = EventAction(reason).label if reason in EventAction.values else _("Saved")
        row.previous_version, previous = previous, row.version
    return versions


def _field_names(rt: ResourceType) -> list[str]:
    names = specs.content_field_names(rt)
    return [*names, IN_ERROR, IN_ERROR_REASON] if rt.is_list else names


def _label(rt: ResourceType, name: str) -> str:
    if name == IN_ERROR_REASON:
        return _("Why entered in error")
    return _("Entered in error") if name == IN_ERROR else specs.label(rt, name)


def _text(rt: ResourceType, name: str, row) -> str:
    if row is None:
        return "—"
    value = getattr(row, name)
    if name == IN_ERROR:
        return _("Yes") if value else _("No")
    if name == IN_ERROR_REASON:
        return value or "—"
    return specs.display(rt, name, value)


def diff_rows(rt: ResourceType, older, newer) -> list[dict]:
    """Each field in version a and version b; `older` None means "before it existed"."""
    rows = []
    for name in _field_names(rt):
        before = specs.comparable(getattr(older, name)) if older is not None else None
        after = specs.comparable(getattr(newer, name))
        rows.append(
            {
                "label": _label(rt, name),
                "a": _text(rt, name, older),
                "b": _text(rt, name, newer),
                "changed": before != after,
            }
        )
    return rows


def _version_param(text: str | None, versions: dict, *, allow_zero: bool = False) -> int | None:
    if text is None or text == "":
        return None
    try:
        number = int(text)
    except ValueError:
        raise ValueError(text) from None
    if number in versions or (allow_zero and number == 0):
        return number
    raise ValueError(text)


@record_view(AccessAction.HISTORY)
def section_history(request, record_id, resource_type):
    rt = resource_type_for(resource_type)
    record = load_record(request, record_id, queryset=form_queryset())
    request.audit.resource_type = rt.name
    item_param = request.GET.get("item")
    if rt.is_list and not item_param:
        return _list_history(request, record, rt)
    item_id = None
    if rt.is_list:
        try:
            item_id = UUID(item_param)
        except ValueError:
            raise no_such_item(rt) from None
    versions = _versions(rt, record, item_id)
    if rt.is_list and not versions:
        raise no_such_item(rt)
    hidden = restricted_refusal(record, rt, item_id, request.actor)
    if hidden is not None:  # every version of an entry she may not see
        return refused_page(request, record, rt, hidden)
    by_version = {row.version: row for row in versions}
    context = {
        "record": record,
        "brief": record_brief(record),
        "rt": rt,
        "spec": specs.section(rt),
        "item_id": item_id,
        "versions": list(reversed(versions)),
        "section_url": section_url(record, rt, "section-history"),
        "error": "",
    }
    if item_id is not None:
        context["item_title"] = specs.item_title(rt, versions[-1])
    status = 200
    if versions:
        latest = versions[-1].version
        try:
            b = _version_param(request.GET.get("b"), by_version) or latest
            a = _version_param(request.GET.get("a"), by_version, allow_zero=True)
        except ValueError as bad:
            context["error"] = _("There is no version “%(version)s”. The versions are %(versions)s.") % {
                "version": bad,
                "versions": ", ".join(str(v) for v in sorted(by_version)),
            }
            status = 400
            request.audit.status_code = 400
            b, a = latest, None
        if a is None:
            earlier = [v for v in sorted(by_version) if v < b]
            a = earlier[-1] if earlier else 0
        if a > b:
            a, b = b, a
        older = by_version.get(a)
        newer = by_version[b]
        rows = diff_rows(rt, older, newer)
        only_changed = request.GET.get("only") == "changed"
        context.update(
            {
                "only_changed": only_changed,
                "shown": [row for row in rows if row["changed"]] if only_changed else rows,
                "a": a,
                "b": b,
                "older": older,
                "newer": newer,
                "diff": rows,
                "changed": [row["label"] for row in rows if row["changed"]],
                "choices": sorted(by_version),
            }
        )
    return render(request, "maternity/record/history.html", context, status=status)


def _list_history(request, record: Pregnancy, rt: ResourceType):
    """A list section: its items (entered-in-error ones too), each with a link to its own history, and
    the latest changes to any of them."""
    items: Iterable[Resource]
    if rt.name == "careLocations":
        items = CareLocationEpisode.objects.filter(record=record).select_related("care_location")
    else:
        items = rt.model._default_manager.filter(record=record)
    events = list(record.events.filter(resource_type=rt.name).order_by("-sequence")[:EVENTS_SHOWN])
    titles = {}
    base = section_url(record, rt, "section-history")
    rows = []
    seen = page_restrictions(record, request.actor)
    for item in items:
        titles[item.pk] = (
            _("A restricted entry") if seen.hides(rt.name, item.pk) else specs.item_title(rt, item)
        )
        rows.append(
            {
                "item": item,
                "title": titles[item.pk],
                "url": f"{base}?item={item.pk}",
                "hidden": seen.hides(rt.name, item.pk),
            }
        )
    context = {
        "record": record,
        "brief": record_brief(record),
        "rt": rt,
        "spec": specs.section(rt),
        "items": rows,
        "events": [
            {
                "event": event,
                "action": EventAction(event.action).label
                if event.action in EventAction.values
                else event.action,
                "title": titles.get(event.resource_id, ""),
                "url": f"{base}?item={event.resource_id}",
            }
            for event in events
        ],
        "events_shown": EVENTS_SHOWN,
    }
    return render(request, "maternity/record/list_history.html", context)
