"""Her birth plan in steps: one group of topics per screen, each saved on its own, and the whole plan on
one page to read and print.

Each step's form carries the version the plan was read at. Saving a step sends her answers for that
step's topics and the stored answers for every other topic, so the others stay as they are; the service
checks the version as for the whole-plan page. If the plan was saved somewhere else meanwhile, she gets
the same topic-by-topic conflict page (`birth_plan.py`): the other topics are sent as saved now, so only
this step's topics can differ. Her change clears her midwife's read mark, as on the whole-plan page.

A step is only her own, active record's; a record that is no longer active goes to the whole-plan page,
which shows the plan read-only and says why. Viewing is audited as READ, saving as WRITE.
"""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from maternity import services
from maternity.errors import AlreadyExists, NotAllowed, NotFound, RecordError, VersionConflict
from maternity.models import AccessAction, Pregnancy
from maternity.services.birth_plan import birth_plan_content

from ..acting import patient_view
from ..forms.birth_plan import GROUPS, TOPICS, BirthPlanForm
from . import birth_plan as whole

STEPS = len(GROUPS)


def step_url(record: Pregnancy, step: int) -> str:
    return reverse("portal:birth-plan-step", args=[record.pk, step])


def summary_url(record: Pregnancy) -> str:
    return reverse("portal:birth-plan-summary", args=[record.pk])


def step_form(step: int, *args, **kwargs) -> BirthPlanForm:
    """The whole-plan form with only this step's topics."""
    form = BirthPlanForm(*args, **kwargs)
    names = {topic.name for topic in GROUPS[step - 1].topics}
    for name in list(form.fields):
        if name not in names:
            del form.fields[name]
    return form


@patient_view(AccessAction.READ)
def birth_plan_step(request, record_id, step: int):
    if request.method == "POST":
        request.audit.action = AccessAction.WRITE
    record = whole._her_record(request, record_id)
    if not 1 <= step <= STEPS:
        raise Http404("There is no such step.")
    plan = whole._plan(record)
    if not record.is_active:
        if request.method != "POST":
            return redirect(whole._page_url(record))
        return whole._closed_page(request, record, plan, status=403)
    if request.method != "POST":
        form = step_form(step, initial=birth_plan_content(plan))
        return _step_page(request, record, plan, form, step=step, version=plan.version if plan else None)
    if "resolve" in request.POST:
        return whole._resolve(request, record, plan)
    form = step_form(step, request.POST)
    try:
        version = whole._posted_version(request.POST.get("version"))
    except ValueError:
        form.is_valid()
        form.add_error(
            None, _("Something went wrong with the page. Check your answers below and save again.")
        )
        return _step_page(
            request, record, plan, form, step=step, version=plan.version if plan else None, status=400
        )
    if not form.is_valid():
        return _step_page(request, record, plan, form, step=step, version=version, status=400)
    return _save(request, record, plan, form, step=step, version=version)


def _save(request, record: Pregnancy, plan, form: BirthPlanForm, *, step: int, version: int | None):
    """This step's answers with every other topic as stored; the next step, or the whole plan after the
    last, once saved."""
    audit = request.audit
    data = {name: value for name, value in birth_plan_content(plan).items() if name in TOPICS}
    data.update({name: form.cleaned_data.get(name) for name in form.fields})
    data = {name: data.get(name) for name in TOPICS}
    try:
        saved = services.birth_plan_save(record_id=record.pk, version=version, data=data, actor=request.actor)
    except VersionConflict:
        return whole._conflict(request, record, base_version=version, mine=data)
    except AlreadyExists:
        return whole._conflict(request, record, base_version=None, mine=data)
    except NotFound:
        raise
    except NotAllowed:
        form.add_error(None, _("Your record can no longer be changed, so your answers were not saved."))
        return _step_page(request, record, plan, form, step=step, version=version, status=403)
    except RecordError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _step_page(request, record, plan, form, step=step, version=version, status=400)
    heading = GROUPS[step - 1].heading
    if version is not None and saved.version == version:
        audit.detail = f"{whole.RESOURCE_TYPE} unchanged: stays version {saved.version}"
        messages.info(
            request,
            _("Nothing had changed in “%(heading)s”, so it stays as it was.") % {"heading": heading},
        )
    else:
        audit.detail = f"{whole.RESOURCE_TYPE} {saved.pk} saved as version {saved.version}"
        messages.success(
            request,
            _("“%(heading)s” is saved. Your midwife can now read it.") % {"heading": heading},
        )
    return redirect(step_url(record, step + 1) if step < STEPS else summary_url(record))


def _steps(record: Pregnancy, current: int) -> list[dict]:
    return [
        {"number": n, "heading": group.heading, "url": step_url(record, n), "current": n == current}
        for n, group in enumerate(GROUPS, start=1)
    ]


def _step_page(request, record, plan, form: forms.Form, *, step: int, version, status: int = 200):
    if status >= 400:
        request.audit.status_code = status
        # topic names only: what she wrote stays out of the audit trail
        request.audit.detail = request.audit.detail or "invalid: " + ", ".join(
            "form" if name == "__all__" else name for name in form.errors
        )
    context = whole._context(record, plan) | {
        "form": form,
        "version": version,
        "step": step,
        "steps": _steps(record, step),
        "total": STEPS,
        "heading": GROUPS[step - 1].heading,
        "previous_url": step_url(record, step - 1) if step > 1 else "",
        "last": step == STEPS,
        "summary_url": summary_url(record),
    }
    return render(request, "portal/birth_plan_step.html", context, status=status)


@patient_view(AccessAction.READ)
def birth_plan_summary(request, record_id):
    """The whole plan on one page, by section, to read and to print (the print stylesheet leaves out
    the links and buttons)."""
    if request.method != "GET":
        raise Http404("Nothing to send here.")
    record = whole._her_record(request, record_id)
    plan = whole._plan(record)
    content = birth_plan_content(plan)
    sections = [
        {
            "number": n,
            "heading": group.heading,
            "url": step_url(record, n),
            "answers": [(topic.label, content.get(topic.name)) for topic in group.topics],
        }
        for n, group in enumerate(GROUPS, start=1)
    ]
    context = whole._context(record, plan) | {"sections": sections, "first_url": step_url(record, 1)}
    return render(request, "portal/birth_plan_summary.html", context)
