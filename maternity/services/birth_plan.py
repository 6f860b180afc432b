"""The pregnant person's birth plan: she saves it, her midwife marks it read.

The plan is the record's `birthPlan` resource, written by userType PATIENT only
(`maternity/rules/resources.py`)
and versioned like every resource. Marking it read (the acknowledgement) is a receipt for the version she
wrote, not a change to it:

- no new version: `version`, `lastUpdated` and `lastUpdatedBy` stay hers, so the plan still says she
  changed it last, and a form she has open does not become a version conflict because someone read it;
- django-simple-history keeps a row for it (the same version, `history_user` the midwife, change reason
  "ACKNOWLEDGED"), so who read which version, and when, stays in the history after she changes it;
- no RecordEvent: events are one per new version (the history endpoint pairs each with that version's
  snapshot; feed and webhook clients re-read on each), and a read mark makes no version;
- the record's `revision` moves, because the API document shows the acknowledgement and its ETag must
  change with it;
- the page action is in the audit trail (the professional view writes a WRITE entry).

Her next save clears the acknowledgement as part of her new version, so that version (and its history
row) says "not read" until a midwife reads it again.
"""

from typing import Any, cast
from uuid import UUID

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from maternity.rules.wording import worded

from ..actors import Actor
from ..errors import NotAllowed, ResourceNotFound, VersionConflict
from ..models import BirthPlan, Pregnancy
from ..signals import birth_plan_read
from .gate import record_changed, record_write
from .resources import resource_create, resource_update, resource_writer_check
from .versioning import lock_record_for_write, now

RESOURCE_TYPE = "birthPlan"
ACKNOWLEDGED = "ACKNOWLEDGED"  # the history row's change reason
UNREAD = {"acknowledged_at": None, "acknowledged_by_name": ""}  # her new version, until a midwife reads it


def birth_plan_content(plan: BirthPlan | None) -> dict[str, Any]:
    """What she wrote, by field name ({} for no plan)."""
    if plan is None:
        return {}
    return {f.name: getattr(plan, f.name) for f in BirthPlan.content_fields()}


def reader_name(actor: Actor) -> str:
    """Who read it, as she will see it: "Kari Jordmor, St Olavs hospital". Stored with the plan, so in
    English when the name is not known."""
    parts = [actor.name or "A health care professional"]
    if actor.care_location is not None:
        parts.append(actor.care_location.name)
    name = ", ".join(parts)
    max_length = BirthPlan._meta.get_field("acknowledged_by_name").max_length
    if max_length is None or len(name) <= max_length:
        return name
    return name[: max_length - 1] + "…"


@record_write()
def birth_plan_save(
    *, record_id: UUID | str, version: int | None, data: dict[str, Any], actor: Actor
) -> BirthPlan:
    """Her plan: created at `version` None, else a new version if `version` is current (VersionConflict
    if not; AlreadyExists if she creates one that exists). Saving exactly what is stored makes no new
    version and keeps her midwife's read mark; a real change clears it."""
    record = lock_record_for_write(record_id, actor)  # first, so the plan row is locked after the record
    resource_writer_check(resource_type=RESOURCE_TYPE, actor=actor)
    # cast: the birthPlan resource type's model is BirthPlan (RESOURCE_TYPES)
    if version is None:
        return cast(
            BirthPlan,
            resource_create(record_id=record.pk, resource_type=RESOURCE_TYPE, data=data, actor=actor),
        )
    plan = BirthPlan.objects.filter(record=record).first()
    if plan is not None and plan.version == version and _unchanged(plan, data):
        return plan
    return cast(
        BirthPlan,
        resource_update(
            record_id=record.pk,
            resource_type=RESOURCE_TYPE,
            version=version,
            data=data,
            actor=actor,
            bookkeeping=UNREAD,
        ),
    )


def _unchanged(plan: BirthPlan, data: dict[str, Any]) -> bool:
    stored = birth_plan_content(plan)
    if set(data) - set(stored):
        return False  # unknown fields: let the update refuse them
    return all((data.get(name) or None) == (value or None) for name, value in stored.items())


@record_write()
def birth_plan_acknowledge(*, record_id: UUID | str, version: int, actor: Actor) -> BirthPlan:
    """A professional of a stakeholder location marks version `version` of her plan read.

    VersionConflict when she has changed it since (the professional must read the new version first);
    marking an already-read version again keeps the first reader. Makes no new version (see the module
    docstring)."""
    if not actor.is_professional:
        raise NotAllowed(_("Only health care professionals mark a birth plan as read."))
    record = lock_record_for_write(record_id, actor)
    plan = BirthPlan.objects.filter(record=record).first()
    if plan is None:
        raise ResourceNotFound(_("She has not written a birth plan yet."))
    if version != plan.version:
        raise VersionConflict(
            worded(
                _(
                    "She has changed her birth plan since you read it: you read version %(version)s, the "
                    "current version is %(current)s. Read the new version, then mark it as read."
                ),
                version=version,
                current=plan.version,
            ),
            field="version",
        )
    if plan.acknowledged_at is not None:
        return plan
    plan.acknowledged_at = now()
    plan.acknowledged_by_name = reader_name(actor)
    plan._history_user = actor.user
    plan._history_date = plan.acknowledged_at
    plan._change_reason = ACKNOWLEDGED
    plan.save(update_fields=["acknowledged_at", "acknowledged_by_name"])
    Pregnancy.objects.filter(pk=record.pk).update(revision=F("revision") + 1)
    record_changed(record, RESOURCE_TYPE)
    birth_plan_read.send(sender=birth_plan_acknowledge, record=record, plan=plan)
    return plan
