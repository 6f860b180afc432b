"""The delivery step: the status DELIVERED, labour and birth, and every baby, in one change (issue 18).

NHN's record keeps one `births` item per baby and the status change apart; a midwife records them
together. `record_deliver` writes, in one transaction through the write gate and against the record's
version: the status change (with every rule of `record_status_update`: the delivery date possible for this
pregnancy, a note), the `labour` resource, one `births` item per baby, and in `labour.newborns` what NHN's
birth has no place for (resuscitation, feeding), linked to each baby's `births` item by its id. All of it
or nothing.

What it checks beyond each resource's own rules:

- at least one baby, at most eight, and for each whether it was born alive (the record's `liveBirth` is
  derived from the babies: true when any was born alive);
- each baby born on the day of delivery or within two days after it (a baby born later, as in a delayed
  interval delivery, is added afterwards in the births section); the delivery date, when not given, is
  the first baby's time of birth;
- the record is ACTIVE and has no births recorded (a record delivered, then corrected back to ACTIVE, keeps
  its babies: mark them entered in error first, or record the delivery with the status change alone);
- analgesia: known kinds, each once, "none" alone; feeding a known kind.

Errors about one baby begin with its number ("Baby 2: ...") and name the field as `babies[1].<field>`
(counting from 0), so the web form and the API both say which baby is wrong.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maternity.rules.identifiers import NationalId
from maternity.rules.resources import RESOURCE_TYPES
from maternity.rules.wording import worded

from ..actors import Actor
from ..errors import AlreadyExists, Invalid, NotAllowed
from ..models import Analgesia, Birth, Feeding, Labour, Pregnancy, RecordStatus
from .gate import record_write
from .records import record_status_update
from .resources import create_in_locked_record, merge_in_locked_record, resource_writer_check
from .versioning import lock_record_for_write, now

MAX_BABIES = 8
BABY = _("Baby %(number)s: %(refusal)s")  # a refusal about one baby of the delivery
LABOUR = _("Labour: %(refusal)s")
LATEST_BABY_DAYS = 2  # a baby born more than two days after the delivery date is added on its own
NEWBORN_FIELDS = ("resuscitation", "feeding")  # a baby's details kept in labour.newborns, not in births


@dataclass(frozen=True)
class Delivery:
    """What the delivery step is given (the API's parser builds one from the request body)."""

    version: int | None
    babies: list[dict[str, Any]]  # Birth fields, plus `resuscitation` and `feeding`
    labour: dict[str, Any] = field(default_factory=dict)  # Labour fields, without `newborns`
    delivery_date: datetime | None = None


@dataclass(frozen=True)
class Delivered:
    record: Pregnancy
    labour: Labour
    births: list[Birth]


@record_write()
def record_deliver(
    *,
    record_id: UUID | str,
    actor: Actor,
    version: int | None = None,
    babies: list[dict[str, Any]] | None = None,
    labour: dict[str, Any] | None = None,
    delivery_date: datetime | None = None,
    parse: Callable[[], Delivery] | None = None,
    national_id: NationalId | None = None,
) -> Delivered:
    """Mark the record DELIVERED with its labour and every baby, all or nothing (see the module).
    `parse` (instead of the values) reads the request body once the caller is known to see the record;
    `national_id` says whose record it must be (the API's nhn-patient-nin)."""
    if not actor.is_professional:
        raise NotAllowed(_("Only health care professionals can record a delivery."))
    record = lock_record_for_write(record_id, actor, national_id=national_id)
    for name in ("labour", "births"):
        resource_writer_check(resource_type=name, actor=actor)
    if parse is not None:
        given = parse()
    else:
        given = Delivery(
            version=version, babies=babies or [], labour=labour or {}, delivery_date=delivery_date
        )
    if record.status != RecordStatus.ACTIVE:
        raise Invalid(
            worded(
                _(
                    "The record is already %(status)s: the delivery step is for an active record. Correct "
                    "the births and labour in their sections."
                ),
                status=record.status,
            ),
            field="recordStatus.status",
        )
    if Birth.objects.filter(record=record, entered_in_error=False).exists():
        raise AlreadyExists(
            _(
                "This record already has births recorded (from an earlier delivery, corrected back to "
                "active): mark them entered in error first, or change the status alone."
            )
        )
    _babies_check(given.babies)
    labour_data = _labour_data(given.labour)
    times = [baby["birth_time"] for baby in given.babies]
    delivered_at = given.delivery_date or min(times)
    _times_check(times, delivered_at)

    record = record_status_update(
        record_id=record.pk,
        actor=actor,
        version=given.version,
        status=RecordStatus.DELIVERED,
        delivery_date=delivered_at,
        live_birth=any(baby["live_birth"] for baby in given.babies),
        national_id=national_id,
    )
    at = now()
    births: list[Birth] = []
    newborns: list[dict[str, Any]] = []
    for number, baby in enumerate(given.babies, start=1):
        content = {name: value for name, value in baby.items() if name not in NEWBORN_FIELDS}
        try:
            birth = create_in_locked_record(
                record=record, rt=RESOURCE_TYPES["births"], data=content, actor=actor, at=at
            )
        except Invalid as error:
            raise Invalid(
                worded(BABY, number=number, refusal=error.message),
                field=f"babies[{number - 1}].{error.field or ''}",
            ) from None
        assert isinstance(birth, Birth)
        births.append(birth)
        newborns.append(
            {
                "birthId": str(birth.pk),
                "resuscitation": baby.get("resuscitation"),
                "feeding": baby.get("feeding"),
            }
        )
    labour_data["newborns"] = newborns
    labour_rt = RESOURCE_TYPES["labour"]
    try:
        if Labour.objects.filter(record=record).exists():  # kept from an earlier delivery: a new version
            written = merge_in_locked_record(
                record=record, rt=labour_rt, data=labour_data, actor=actor, at=at
            )
        else:
            written = create_in_locked_record(
                record=record, rt=labour_rt, data=labour_data, actor=actor, at=at
            )
    except Invalid as error:
        raise Invalid(worded(LABOUR, refusal=error.message), field=f"labour.{error.field or ''}") from None
    record.refresh_from_db(fields=["record_last_updated", "revision"])
    assert isinstance(written, Labour)
    return Delivered(record=record, labour=written, births=births)


def _babies_check(babies: list[dict[str, Any]]) -> None:
    if not babies:
        raise Invalid(
            _("Give at least one baby: the delivery step records each baby's birth."), field="babies"
        )
    if len(babies) > MAX_BABIES:
        raise Invalid(
            worded(
                _("At most %(most)s babies at one delivery: got %(got)s."), most=MAX_BABIES, got=len(babies)
            ),
            field="babies",
        )
    for index, baby in enumerate(babies):
        where = f"babies[{index}]"
        number = index + 1
        if not isinstance(baby, dict):
            raise Invalid(worded(BABY, number=number, refusal=_("expected the baby's details.")), field=where)
        if baby.get("birth_time") is None:
            raise Invalid(
                worded(BABY, number=number, refusal=_("give the time of birth.")), field=f"{where}.birth_time"
            )
        if baby.get("live_birth") is None:
            raise Invalid(
                worded(BABY, number=number, refusal=_("say whether the baby was born alive or stillborn.")),
                field=f"{where}.live_birth",
            )
        feeding = baby.get("feeding")
        if feeding is not None and feeding not in Feeding.values:
            raise Invalid(
                worded(
                    BABY,
                    number=number,
                    refusal=worded(
                        _("unknown feeding '%(feeding)s'. Valid: %(valid)s."),
                        feeding=feeding,
                        valid=", ".join(Feeding.values),
                    ),
                ),
                field=f"{where}.feeding",
            )
        if baby.get("resuscitation") not in (None, True, False):
            raise Invalid(
                worded(BABY, number=number, refusal=_("resuscitation is yes, no or not known.")),
                field=f"{where}.resuscitation",
            )


def _labour_data(given: dict[str, Any]) -> dict[str, Any]:
    """Every content field of labour: what was sent, the rest cleared (it replaces an earlier one)."""
    if "newborns" in given:
        raise Invalid(
            _("labour.newborns is written by the delivery step from each baby's resuscitation and feeding."),
            field="labour.newborns",
        )
    fields = {f.name: f.get_default() for f in Labour.content_fields()}
    unknown = set(given) - set(fields)
    if unknown:
        name = sorted(unknown)[0]
        raise Invalid(
            worded(LABOUR, refusal=worded(_("unknown field %(name)s."), name=name)), field=f"labour.{name}"
        )
    analgesia = given.get("analgesia") or []
    if not isinstance(analgesia, list) or any(kind not in Analgesia.values for kind in analgesia):
        raise Invalid(
            worded(
                LABOUR,
                refusal=worded(_("analgesia is a list of %(kinds)s."), kinds=", ".join(Analgesia.values)),
            ),
            field="labour.analgesia",
        )
    if len(set(analgesia)) != len(analgesia):
        raise Invalid(worded(LABOUR, refusal=_("each kind of analgesia once.")), field="labour.analgesia")
    if Analgesia.NONE in analgesia and len(analgesia) > 1:
        raise Invalid(
            worded(LABOUR, refusal=_("no analgesia cannot go with another kind.")), field="labour.analgesia"
        )
    return {**fields, **given, "analgesia": list(analgesia)}


def _times_check(times: list[datetime], delivered_at: datetime) -> None:
    first_day = timezone.localtime(_aware(delivered_at)).date()
    for index, at in enumerate(times):
        day = timezone.localtime(_aware(at)).date()
        if day < first_day:
            raise Invalid(
                worded(
                    BABY,
                    number=index + 1,
                    refusal=worded(
                        _("born %(day)s, before the day of delivery (%(first_day)s)."),
                        day=day,
                        first_day=first_day,
                    ),
                ),
                field=f"babies[{index}].birth_time",
            )
        if day > first_day + timedelta(days=LATEST_BABY_DAYS):
            raise Invalid(
                worded(
                    BABY,
                    number=index + 1,
                    refusal=worded(
                        _(
                            "born %(day)s, more than %(latest)s days after the delivery (%(first_day)s). "
                            "Record the delivery with the first babies, then add this one in the births "
                            "section."
                        ),
                        day=day,
                        latest=LATEST_BABY_DAYS,
                        first_day=first_day,
                    ),
                ),
                field=f"babies[{index}].birth_time",
            )


def _aware(at: datetime) -> datetime:
    return timezone.make_aware(at) if timezone.is_naive(at) else at
