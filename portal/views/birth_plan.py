"""Her birth plan: plans and preferences for the birth, in her own words, saved as the record's birthPlan
(userType PATIENT) through the services, and whether her midwife has read it.

The form carries the version it was read at. If the plan was saved somewhere else meanwhile (another
phone or tab), the service refuses (VersionConflict) and she gets a page that shows, topic by topic, what
was saved since she started and what she entered; nothing she typed is lost (it travels with the page)
and her choices are saved against the new version. The approach and the field-by-field rules are the
professional UI's (`maternity.presentation.conflicts`), in her words.

Only her own records (anyone else's is "not found"); a record that is no longer active shows the plan
read-only, saying why. Viewing is audited as READ, saving as WRITE.
"""

import json
from dataclasses import dataclass

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from maternity import services
from maternity.errors import AlreadyExists, NotAllowed, NotFound, RecordError, VersionConflict
from maternity.http.json_input import json_loads
from maternity.models import AccessAction, BirthPlan, Pregnancy, RecordStatus
from maternity.presentation.conflicts import MINE, THEIRS, ConflictRow, merge
from maternity.reads.access import get_record_for
from maternity.services.birth_plan import birth_plan_content

from ..acting import patient_view
from ..forms.birth_plan import TOPICS, BirthPlanForm, carried

RESOURCE_TYPE = "birthPlan"
EMPTY = gettext_lazy("(nothing written)")

CLOSED = {
    RecordStatus.DELIVERED: gettext_lazy(
        "Your baby has been born, so this birth plan is kept as it was and can no longer be changed."
    ),
    RecordStatus.TERMINATED: gettext_lazy(
        "This pregnancy has ended, so this birth plan is kept as it was and can no longer be changed."
    ),
}


def moment(at) -> str:
    """ "3 Mar 2026 at 14:05" ("3. mars 2026 kl. 14:05"), in local time."""
    local = timezone.localtime(at)
    return pgettext("a date and a time", "%(date)s at %(time)s") % {
        "date": formats.date_format(local, "DATE_FORMAT"),
        "time": formats.time_format(local, "TIME_FORMAT"),
    }


@dataclass(frozen=True)
class ReadStatus:
    """Whether her midwife has read the plan as it is now."""

    state: str  # "empty" (no plan yet), "read", "changed" (read before her last change), "unread"
    text: str
    earlier: str = ""  # who read an earlier version, and when


def read_status(plan: BirthPlan | None) -> ReadStatus:
    if plan is None:
        return ReadStatus("empty", _("Your midwife can read your plan once you have saved it."))
    if plan.acknowledged_at:
        return ReadStatus(
            "read",
            _("Read by %(name)s, on %(moment)s")
            % {"name": plan.acknowledged_by_name, "moment": moment(plan.acknowledged_at)},
        )
    earlier = (
        BirthPlan.history.filter(id=plan.pk, acknowledged_at__isnull=False).order_by("-history_id").first()
    )
    if earlier is not None:
        return ReadStatus(
            "changed",
            _("Not read since your last change"),
            _("%(name)s read an earlier version on %(moment)s.")
            % {"name": earlier.acknowledged_by_name, "moment": moment(earlier.acknowledged_at)},
        )
    return ReadStatus("unread", _("Not read yet"))


def _her_record(request, record_id) -> Pregnancy:
    """Her record, or NotFound (someone else's, absent, or entered in error: a record made by mistake is
    not hers to plan with)."""
    queryset = Pregnancy.objects.select_related("birthplan").exclude(status=RecordStatus.ENTERED_IN_ERROR)
    record = get_record_for(request.actor, record_id, queryset=queryset)
    request.audit.person_id = record.person_id
    request.audit.resource_type = RESOURCE_TYPE
    return record


def _plan(record: Pregnancy) -> BirthPlan | None:
    return BirthPlan.objects.filter(record=record).first()


def _posted_version(text) -> int | None:
    """The hidden version the form was read at: empty when she had no plan yet."""
    if text in (None, ""):
        return None
    version = int(text)
    if version < 1:
        raise ValueError(text)
    return version


def _page_url(record: Pregnancy) -> str:
    return reverse("portal:birth-plan", args=[record.pk])


# --- the page --------------------------------------------------------------------------------------------


@patient_view(AccessAction.READ)
def birth_plan(request, record_id):
    if request.method == "POST":
        request.audit.action = AccessAction.WRITE
    record = _her_record(request, record_id)
    plan = _plan(record)
    if request.method != "POST":
        if not record.is_active:
            return _closed_page(request, record, plan)
        form = BirthPlanForm(initial=birth_plan_content(plan))
        return _form_page(request, record, plan, form, version=plan.version if plan else None)
    if not record.is_active:
        return _closed_page(request, record, plan, status=403)
    if "resolve" in request.POST:
        return _resolve(request, record, plan)
    form = BirthPlanForm(request.POST)
    try:
        version = _posted_version(request.POST.get("version"))
    except ValueError:
        form.is_valid()
        form.add_error(
            None, _("Something went wrong with the page. Check your plan below and save it again.")
        )
        return _form_page(request, record, plan, form, version=plan.version if plan else None, status=400)
    if not form.is_valid():
        return _form_page(request, record, plan, form, version=version, status=400)
    return _save(request, record, plan, form, values=form.cleaned_data, version=version)


def _save(request, record: Pregnancy, plan, form: BirthPlanForm, *, values: dict, version: int | None):
    """Save through the service; a version saved meanwhile becomes the conflict page, a refusal the form
    again with the reason and everything she typed."""
    audit = request.audit
    data = {name: values.get(name) for name in TOPICS}
    try:
        saved = services.birth_plan_save(record_id=record.pk, version=version, data=data, actor=request.actor)
    except VersionConflict:
        return _conflict(request, record, base_version=version, mine=data)
    except AlreadyExists:  # saved for the first time somewhere else, too
        return _conflict(request, record, base_version=None, mine=data)
    except NotFound:
        raise
    except NotAllowed:  # the record was closed (or changed hands) after she opened the page
        form.add_error(None, _("Your record can no longer be changed, so your plan was not saved."))
        return _form_page(request, record, plan, form, version=version, status=403)
    except RecordError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _form_page(request, record, plan, form, version=version, status=400)
    if version is not None and saved.version == version:
        audit.detail = f"{RESOURCE_TYPE} unchanged: stays version {saved.version}"
        messages.info(request, _("Nothing had changed, so your birth plan stays as it was."))
    else:
        audit.detail = f"{RESOURCE_TYPE} {saved.pk} saved as version {saved.version}"
        messages.success(request, _("Your birth plan is saved. Your midwife can now read it."))
    return redirect(_page_url(record))


def _context(record: Pregnancy, plan) -> dict:
    return {
        "record": record,
        "plan": plan,
        "read": read_status(plan),
        "saved_at": moment(plan.last_updated) if plan else "",
        "back_url": reverse("portal:pregnancy", args=[record.pk]),
    }


def _form_page(request, record, plan, form, *, version, status: int = 200):
    if status >= 400:
        request.audit.status_code = status
        # topic names only: what she wrote stays out of the audit trail
        request.audit.detail = request.audit.detail or "invalid: " + ", ".join(
            "form" if name == "__all__" else name for name in form.errors
        )
    context = _context(record, plan) | {"form": form, "version": version}
    return render(request, "portal/birth_plan.html", context, status=status)


def _closed_page(request, record, plan, *, status: int = 200):
    """A record that is no longer active: her plan as it was, and why it cannot change."""
    reason = CLOSED.get(record.status) or _("This record can no longer be changed.")
    if status >= 400:
        request.audit.status_code = status
        request.audit.detail = f"record is {record.status}"
    answers = [
        (TOPICS[name].label, value)
        for name, value in birth_plan_content(plan).items()
        if value not in (None, "")
    ]
    context = _context(record, plan) | {"closed": reason, "answers": answers}
    return render(request, "portal/birth_plan.html", context, status=status)


# --- saved somewhere else meanwhile ------------------------------------------------------------------------


def _history_content(plan: BirthPlan, version: int | None) -> dict | None:
    if version is None:
        return None
    row = BirthPlan.history.filter(id=plan.pk, version=version).order_by("-history_id").first()
    return birth_plan_content(row) if row is not None else None


def _text(value) -> str:
    return value if value not in (None, "") else str(EMPTY)


def _rows(*, base: dict | None, theirs: dict, mine: dict) -> list[ConflictRow]:
    base = base or {}
    return [
        ConflictRow(
            name=name,
            label=str(topic.label),  # in the language of this request
            base=base.get(name),
            theirs=theirs.get(name),
            mine=mine.get(name),
            base_text=_text(base.get(name)),
            theirs_text=_text(theirs.get(name)),
            mine_text=_text(mine.get(name)),
        )
        for name, topic in TOPICS.items()
    ]


def _conflict(request, record, *, base_version, mine: dict, error: str = "", status: int = 409, picks=None):
    """What was saved since she started against what she entered, topic by topic. Audited as refused
    (409) until she saves her choices."""
    current = _plan(record)
    assert current is not None  # a conflict is with a saved plan, and a plan is never deleted
    rows = _rows(base=_history_content(current, base_version), theirs=birth_plan_content(current), mine=mine)
    for row in rows:
        row.pick = (picks or {}).get(row.name)
    audit = request.audit
    audit.status_code = status
    audit.detail = (
        f"version conflict on {RESOURCE_TYPE}: started from version {base_version or 'none'}, "
        f"current is {current.version}"
    )
    context = _context(record, current) | {
        "current": current,
        "saved_since": moment(current.last_updated),
        "base_version": base_version,
        "rows": [row for row in rows if row.changed and not row.same],
        "same": sum(1 for row in rows if row.changed and row.same),
        "needs_choice": any(row.needs_choice for row in rows),
        "mine_json": json.dumps(carried(mine)),
        "error": error,
        "MINE": MINE,
        "THEIRS": THEIRS,
    }
    return render(request, "portal/birth_plan_conflict.html", context, status=status)


def _resolve(request, record, plan):
    """Her answer on the conflict page: keep everything she entered, keep the saved version, or topic by
    topic; saved against the version the page showed (a conflict again if it has moved again)."""
    post = request.POST
    audit = request.audit
    try:
        their_version = _posted_version(post.get("version"))
        base_version = _posted_version(post.get("base_version"))
        carried_mine = json_loads(post.get("mine", ""))
        if their_version is None or plan is None or not isinstance(carried_mine, dict):
            raise ValueError("incomplete")
    except ValueError:
        form = BirthPlanForm(carried(birth_plan_content(plan)))
        form.is_valid()
        form.add_error(None, _("Something went wrong with the page. Here is your plan as it is saved now."))
        return _form_page(request, record, plan, form, version=plan.version if plan else None, status=400)
    mine_form = BirthPlanForm({str(k): str(v) for k, v in carried_mine.items() if v is not None})
    if not mine_form.is_valid():
        return _form_page(request, record, plan, mine_form, version=their_version, status=400)
    mine = {name: mine_form.cleaned_data.get(name) for name in TOPICS}
    theirs = _history_content(plan, their_version)
    if theirs is None:
        return _form_page(request, record, plan, mine_form, version=plan.version, status=400)
    rows = _rows(base=_history_content(plan, base_version), theirs=theirs, mine=mine)
    choice = post.get("resolve")
    if choice == THEIRS:
        audit.action = AccessAction.READ
        audit.detail = f"version conflict on {RESOURCE_TYPE}: kept version {their_version}; nothing saved"
        messages.info(request, _("You kept the saved version. What you entered here was not saved."))
        return redirect(_page_url(record))
    if choice == MINE:
        values = mine
    else:
        picks = {row.name: post.get(f"pick-{row.name}", "") for row in rows}
        values, missing = merge(rows, picks)
        if missing:
            return _conflict(
                request,
                record,
                base_version=base_version,
                mine=mine,
                error=_("Choose which to keep for: %(topics)s.")
                % {"topics": ", ".join(str(row.label) for row in missing)},
                status=400,
                picks=picks,
            )
    return _save(request, record, plan, mine_form, values=values, version=their_version)
