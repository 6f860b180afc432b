"""Editing the record: a singleton section's form, adding and editing list items (appointments, SFH
measurements, births), marking an item entered in error, and the version conflict page.

Every form carries the version it was read at. When someone else saved the section in the meantime the
service refuses (VersionConflict) and the professional gets a page that shows what they changed and what
she entered, field by field, and saves her choices against the new version. Nothing she typed is lost: it
travels with the conflict page and is validated again.
"""

import json
import re
from datetime import date

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maternity.http.json_input import json_loads
from maternity.presentation import specs
from maternity.presentation.conflicts import MINE, THEIRS, conflict_rows, merge
from maternity.rules.resources import ResourceType
from maternity.rules.wording import in_english

from ... import services
from ...errors import (
    AlreadyExists,
    EnteredInError,
    NotAllowed,
    NotFound,
    RecordError,
    ResourceNotFound,
    VersionConflict,
)
from ...models import AccessAction, AntenatalAppointment, Pregnancy
from ..forms.sections import SectionForm, form_data, initial_values
from .record import (
    Refusal,
    form_queryset,
    load_record,
    record_brief,
    record_view,
    resource_type_for,
    section_url,
    write_refusal,
)
from .restricted import restricted_refusal

# List types with pages of their own (views/postnatal.py): url names of their "add" pages
POSTNATAL_PAGES = {
    "postnatalMotherVisits": "web:postnatal-mother-add",
    "postnatalBabyVisits": "web:postnatal-baby-add",
}


VERSION_MISSING = gettext_lazy("The form did not say which version it was read at. Open it again.")


def no_such_item(rt: ResourceType) -> ResourceNotFound:
    """The not-found page's words for a list item this record does not have."""
    return ResourceNotFound(_("This record has no such %(item)s.") % {"item": specs.section(rt).item})


def get_item(record: Pregnancy, rt: ResourceType, item_id):
    item = rt.model._default_manager.filter(record=record, pk=item_id).first()
    if item is None:
        raise no_such_item(rt)
    return item


def history_values(rt: ResourceType, record: Pregnancy, resource_id, version: int) -> dict | None:
    """A resource's content as it was at one version, from its history."""
    row = (
        rt.model.history.filter(record_id=record.pk, id=resource_id, version=version)
        .order_by("-history_id")
        .first()
    )
    return initial_values(rt, row) if row is not None else None


def _posted_version(text) -> int | None:
    """The hidden version a form was read at: empty for a section that did not exist yet."""
    if text in (None, ""):
        return None
    version = int(text)
    if version < 1:
        raise ValueError(text)
    return version


def _section_record_url(record: Pregnancy, rt: ResourceType) -> str:
    return f"{reverse('web:record', args=[record.pk])}#section-{rt.name}"


# --- pages ----------------------------------------------------------------------------------------------


@record_view(AccessAction.READ)
def section_edit(request, record_id, resource_type):
    """A singleton section: its form (empty when nothing is recorded yet)."""
    rt = resource_type_for(resource_type, is_list=False)
    record = load_record(request, record_id, queryset=form_queryset())
    instance = rt.model._default_manager.filter(record=record).first()
    return _edit(request, record, rt, instance)


@record_view(AccessAction.READ)
def item_add(request, record_id, resource_type):
    """A new appointment, SFH measurement or birth."""
    rt = resource_type_for(resource_type, is_list=True)
    if rt.name in POSTNATAL_PAGES:  # their own pages: the EPDS questions, the baby chosen from the births
        return redirect(POSTNATAL_PAGES[rt.name], record_id)
    record = load_record(request, record_id, queryset=form_queryset())
    return _edit(request, record, rt, None)


@record_view(AccessAction.READ)
def item_edit(request, record_id, resource_type, item_id):
    rt = resource_type_for(resource_type, is_list=True)
    if rt.name in POSTNATAL_PAGES:
        return redirect(POSTNATAL_PAGES[rt.name].replace("-add", "-edit"), record_id, item_id)
    record = load_record(request, record_id, queryset=form_queryset())
    item = get_item(record, rt, item_id)
    if item.entered_in_error:
        return _already_in_error(request, record, rt, item)
    return _edit(request, record, rt, item)


@record_view(AccessAction.READ)
def item_error(request, record_id, resource_type, item_id):
    """Mark a list item entered in error, after a confirmation page that shows what it holds. The item
    stays in the history; it no longer counts anywhere else."""
    rt = resource_type_for(resource_type, is_list=True)
    record = load_record(request, record_id, queryset=form_queryset())
    item = get_item(record, rt, item_id)
    audit = request.audit
    audit.resource_type = rt.name
    hidden = restricted_refusal(record, rt, item.pk, request.actor)
    if hidden is not None:
        audit.status_code = hidden.status
        return _refused(request, record, rt, hidden)
    if request.method == "POST":
        audit.action = AccessAction.WRITE
    refusal = write_refusal(record, rt, request.actor)
    if refusal:
        return _refused(request, record, rt, refusal)
    if item.entered_in_error:
        return _already_in_error(request, record, rt, item)
    if request.method != "POST":
        return _confirm_error_page(request, record, rt, item)
    try:
        version = _posted_version(request.POST.get("version"))
    except ValueError:
        version = None
    if version is None:
        return _confirm_error_page(
            request,
            record,
            rt,
            item,
            error=_("The page did not say which version you saw: check it again."),
            status=400,
        )
    reason = " ".join(request.POST.get("reason", "").split())
    if not reason:
        return _confirm_error_page(
            request,
            record,
            rt,
            item,
            error=_("Say why it is entered in error: it is kept with it."),
            status=400,
        )
    try:
        services.resource_enter_in_error(
            record_id=record.pk,
            resource_type=rt.name,
            resource_id=item.pk,
            actor=request.actor,
            version=version,
            reason=reason,
        )
    except VersionConflict:
        item.refresh_from_db()
        audit.detail = f"version conflict: sent version {version}, current is {item.version}"
        return _confirm_error_page(
            request,
            record,
            rt,
            item,
            error=_(
                "Someone changed this %(item)s (now version %(version)s) after you opened this page. Check "
                "what it holds now, then confirm again."
            )
            % {"item": specs.section(rt).item, "version": item.version},
            status=409,
        )
    except EnteredInError:
        item.refresh_from_db()
        return _already_in_error(request, record, rt, item)
    except NotAllowed as error:
        return _refused(request, record, rt, Refusal(_("Not allowed"), error.message, "read-only"))
    audit.detail = f"{rt.name} {item.pk} marked entered in error"
    messages.success(
        request,
        _("The %(item)s is marked entered in error. It stays in the history.")
        % {"item": specs.section(rt).item},
    )
    return redirect(_section_record_url(record, rt))


# --- editing ---------------------------------------------------------------------------------------------


def _edit(request, record: Pregnancy, rt: ResourceType, instance):
    audit = request.audit
    audit.resource_type = rt.name
    posting = request.method == "POST"
    if posting:
        audit.action = AccessAction.WRITE
    hidden = restricted_refusal(record, rt, instance.pk, request.actor) if instance is not None else None
    if hidden is not None:  # she may not read it, so not change it either
        request.audit.status_code = hidden.status
        return _refused(request, record, rt, hidden)
    refusal = write_refusal(record, rt, request.actor, adding=instance is None)
    if refusal and not (posting and refusal.kind != "writer"):
        return _refused(request, record, rt, refusal)
    if not posting:
        form = SectionForm(initial=_initial(request, rt, instance), rt=rt, record=record)
        return _form_page(request, record, rt, instance, form, version=instance.version if instance else None)
    if "resolve" in request.POST and not refusal:
        return _resolve(request, record, rt, instance)
    form = SectionForm(_submitted(request), rt=rt, record=record)
    try:
        version = _posted_version(request.POST.get("version"))
        version_missing = False
    except ValueError:
        version, version_missing = None, True
    if instance is not None and rt.is_list and version is None:  # an item is always edited at a version
        version_missing = True
    if refusal or version_missing:
        # refused after she opened the form (care pulled away, record delivered), or a mangled form: what
        # she typed stays on the page
        form.is_valid()
        form.add_error(None, refusal.message if refusal else str(VERSION_MISSING))
        audit.detail = refusal.audit_detail if refusal else in_english(VERSION_MISSING)
        return _form_page(
            request, record, rt, instance, form, version=version, status=refusal.status if refusal else 400
        )
    if not form.is_valid():
        return _form_page(request, record, rt, instance, form, version=version, status=400)
    return _save(request, record, rt, instance, form, values=form.cleaned_data, version=version)


def _submitted(request) -> dict:
    """What she entered: the form as posted, or, from a conflict page, the entry it carries."""
    if "resolve" in request.POST:
        try:
            carried = json_loads(request.POST.get("mine", ""))
        except ValueError:
            carried = None
        if isinstance(carried, dict):
            return {str(key): str(value) for key, value in carried.items()}
    return request.POST


def _initial(request, rt: ResourceType, instance) -> dict:
    if instance is not None:
        return initial_values(rt, instance)
    today = timezone.localdate()
    if rt.name == "antenatalAppointments":
        return {"appointment_date": today}
    if rt.name == "symphysisFundalHeights":  # "Save and add an SFH measurement" passes the date
        try:
            return {"measurement_date": date.fromisoformat(request.GET.get("date", ""))}
        except ValueError:
            return {"measurement_date": today}
    return {}


def _save(
    request, record: Pregnancy, rt: ResourceType, instance, form: SectionForm, *, values: dict, version
):
    """Save through the services; a stale version becomes the conflict page, a refusal the form again with
    the reason (and everything typed still in it)."""
    audit = request.audit
    data = {name: values.get(name) for name in specs.content_field_names(rt)}
    try:
        creating = instance is None if rt.is_list else version is None
        if creating:
            saved = services.resource_create(
                record_id=record.pk, resource_type=rt.name, data=data, actor=request.actor
            )
        else:
            saved = services.resource_update(
                record_id=record.pk,
                resource_type=rt.name,
                version=version,
                data=data,
                actor=request.actor,
                resource_id=instance.pk if rt.is_list else None,
            )
    except VersionConflict:
        return _conflict(request, record, rt, instance, base_version=version, mine=data)
    except AlreadyExists:  # someone else recorded the section first
        return _conflict(request, record, rt, instance, base_version=None, mine=data)
    except EnteredInError as error:
        form.add_error(None, error.message)
        return _form_page(request, record, rt, instance, form, version=version, status=409)
    except NotAllowed as error:
        form.add_error(None, error.message)
        return _form_page(request, record, rt, instance, form, version=version, status=403)
    except (NotFound, ResourceNotFound):
        raise  # the not-found page
    except RecordError as error:  # Invalid, UnknownCode...: the model's own validation
        form.add_error(_form_field(form, error.field), error.message)
        return _form_page(request, record, rt, instance, form, version=version, status=400)
    spec = specs.section(rt)
    audit.detail = f"{rt.name} {saved.pk} saved as version {saved.version}"
    what = str(spec.item).capitalize() if rt.is_list else spec.title
    messages.success(
        request, _("%(what)s saved (version %(version)s).") % {"what": what, "version": saved.version}
    )
    if isinstance(saved, AntenatalAppointment) and request.POST.get("then") == "sfh":
        sfh_add = section_url(record, resource_type_for("symphysisFundalHeights"), "item-add")
        return redirect(f"{sfh_add}?date={saved.appointment_date.isoformat()}")
    return redirect(_section_record_url(record, rt))


def _form_page(request, record, rt, instance, form, *, version, status=200):
    spec = specs.section(rt)
    if status >= 400:
        request.audit.status_code = status
        # names only: what she typed is clinical data and stays out of the audit trail
        request.audit.detail = request.audit.detail or "invalid: " + ", ".join(
            "form" if name == "__all__" else name for name in form.errors
        )
    if rt.is_list:
        if instance is not None:
            title = _("Edit %(item)s") % {"item": spec.item}
        else:
            title = _("Add %(item)s") % {"item": spec.an_item}  # "an appointment"
    elif instance is not None:
        title = _("Edit %(section)s") % {"section": str(spec.title).lower()}
    else:
        # Translators: "Record" is the verb: the page's title, e.g. "Record before pregnancy"
        title = _("Record %(section)s") % {"section": str(spec.title).lower()}
    context = {
        "record": record,
        "brief": record_brief(record),
        "rt": rt,
        "spec": spec,
        "title": title,
        "form": form,
        "version": version,
        "instance": instance,
        "cancel_url": _section_record_url(record, rt),
        "history_url": section_url(record, rt, "section-history")
        + (f"?item={instance.pk}" if instance is not None and rt.is_list else ""),
        "offer_sfh": rt.name == "antenatalAppointments" and instance is None,
    }
    return render(request, "maternity/record/section_form.html", context, status=status)


def _refused(request, record, rt, refusal: Refusal):
    request.audit.detail = refusal.audit_detail
    context = {"record": record, "brief": record_brief(record), "rt": rt, "refusal": refusal}
    context["back_url"] = _section_record_url(record, rt)
    return render(request, "maternity/record/refused.html", context, status=refusal.status)


def _already_in_error(request, record, rt, item):
    request.audit.detail = f"{rt.name} {item.pk} is entered in error"
    context = {
        "record": record,
        "brief": record_brief(record),
        "rt": rt,
        "spec": specs.section(rt),
        "item": item,
        "back_url": _section_record_url(record, rt),
        "history_url": f"{section_url(record, rt, 'section-history')}?item={item.pk}",
    }
    return render(request, "maternity/record/already_in_error.html", context, status=409)


def _confirm_error_page(request, record, rt, item, *, error: str = "", status: int = 200):
    if status >= 400:
        request.audit.status_code = status
    fields = [
        (specs.label(rt, name), specs.display(rt, name, getattr(item, name)))
        for name in specs.content_field_names(rt)
        if getattr(item, name) not in (None, "", [])
    ]
    context = {
        "record": record,
        "brief": record_brief(record),
        "rt": rt,
        "spec": specs.section(rt),
        "item": item,
        "fields": fields,
        "error": error,
        "reason": request.POST.get("reason", "") if request.method == "POST" else "",  # what she typed
        "back_url": _section_record_url(record, rt),
    }
    return render(request, "maternity/record/confirm_error.html", context, status=status)


# --- version conflicts ---------------------------------------------------------------------------------


def _current(record: Pregnancy, rt: ResourceType, instance):
    if rt.is_list:
        return rt.model._default_manager.get(record=record, pk=instance.pk)
    return rt.model._default_manager.get(record=record)


def _conflict(
    request, record, rt, instance, *, base_version, mine: dict, error: str = "", status: int = 409, picks=None
):
    """The conflict page: what was saved meanwhile (their version against the one she started from) and
    what she entered, field by field. Audited as refused (409)."""
    current = _current(record, rt, instance)
    theirs = initial_values(rt, current)
    base = history_values(rt, record, current.pk, base_version) if base_version else None
    rows = conflict_rows(rt, base=base, theirs=theirs, mine=mine)
    for row in rows:
        row.pick = (picks or {}).get(row.name)
    changes = list(
        rt.model.history.filter(record_id=record.pk, id=current.pk, version__gt=base_version or 0).order_by(
            "version", "history_id"
        )
    )
    form = SectionForm(rt=rt, record=record)
    audit = request.audit
    audit.status_code = status
    audit.detail = (
        f"version conflict on {rt.name}: started from version {base_version or 'none'}, "
        f"current is {current.version}"
    )
    context = {
        "record": record,
        "brief": record_brief(record),
        "rt": rt,
        "spec": specs.section(rt),
        "current": current,
        "base_version": base_version,
        "changes": changes,
        "rows": [row for row in rows if row.changed],
        "unchanged": sum(1 for row in rows if not row.changed),
        "needs_choice": any(row.needs_choice for row in rows),
        "mine_json": json.dumps(form_data(form, mine)),
        "error": error,
        "cancel_url": _section_record_url(record, rt),
        "MINE": MINE,
        "THEIRS": THEIRS,
    }
    return render(request, "maternity/record/conflict.html", context, status=status)


def _resolve(request, record, rt, instance):
    """The conflict page's answer: keep mine, keep theirs, or field by field; saved against the version
    the page showed (a conflict again if it has moved again)."""
    post = request.POST
    audit = request.audit
    try:
        their_version = _posted_version(post.get("version"))
        base_version = _posted_version(post.get("base_version"))
        mine_data = json_loads(post.get("mine", ""))
        if their_version is None or not isinstance(mine_data, dict):
            raise ValueError("incomplete")
        mine_data = {str(key): str(value) for key, value in mine_data.items()}
    except ValueError:
        blank = SectionForm(rt=rt, record=record)
        form = SectionForm(form_data(blank, initial_values(rt, instance)), rt=rt, record=record)
        form.is_valid()
        form.add_error(
            None,
            _("The conflict page was incomplete. Here is the section as it is now: enter your change again."),
        )
        return _form_page(
            request, record, rt, instance, form, version=instance.version if instance else None, status=400
        )
    mine_form = SectionForm(mine_data, rt=rt, record=record)
    if instance is None or not mine_form.is_valid():
        return _form_page(request, record, rt, instance, mine_form, version=their_version, status=400)
    mine = {name: mine_form.cleaned_data.get(name) for name in specs.content_field_names(rt)}
    theirs = history_values(rt, record, instance.pk, their_version)
    if theirs is None:
        return _form_page(request, record, rt, instance, mine_form, version=instance.version, status=400)
    base = history_values(rt, record, instance.pk, base_version) if base_version else None
    rows = conflict_rows(rt, base=base, theirs=theirs, mine=mine)
    choice = post.get("resolve")
    if choice == THEIRS:
        audit.action = AccessAction.READ
        audit.detail = f"version conflict on {rt.name}: kept version {their_version}; nothing saved"
        messages.info(
            request, _("You kept the version saved by the other person. What you entered was not saved.")
        )
        return redirect(_section_record_url(record, rt))
    if choice == MINE:
        values = mine
    else:
        picks = {row.name: post.get(f"pick-{row.name}", "") for row in rows}
        values, missing = merge(rows, picks)
        if missing:
            names = ", ".join(str(row.label) for row in missing)
            return _conflict(
                request,
                record,
                rt,
                instance,
                base_version=base_version,
                mine=mine,
                error=_("Choose yours or theirs for: %(fields)s.") % {"fields": names},
                status=400,
                picks=picks,
            )
    return _save(request, record, rt, instance, mine_form, values=values, version=their_version)


def _form_field(form, field: str | None) -> str | None:
    """The form's field a service error names: by the model's name, or by its camelCase name on the
    record API (`birthTime` is `birth_time`); None (the whole form) when it is neither."""
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", field or "").lower()
    return next((name for name in (field, snake) if name and name in form.fields), None)
