"""Finding a pregnancy by its keys (DESIGN rules 2, 5, 6).

A find with a break-glass reason makes the finder a stakeholder: a client system's Care Location, or a
person acting in a browser. When that is new access (the glass is really broken) the reason is written
into the record as a note, which the pregnant person sees. Reading or writing with all three keys makes
the caller a stakeholder too, without a note: knowing the keys shows a care relationship.

A break-glass reason is a code from a short list (`BreakGlassReason`, after Normen's self-authorised
access) and a free text that says why in a sentence: at least MIN_REASON characters once trimmed, at most
MAX_REASON. `break_glass_reason_check` is that rule, for the web form and the FHIR operation alike; the
find checks it again itself.
"""

from dataclasses import dataclass
from uuid import UUID

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from maternity.database.replicas import read_primary_from_now
from maternity.reads.access import can_access
from maternity.rules.pregnancy_keys import PregnancyKeys, best_match, records_matching
from maternity.rules.resources import RESOURCE_TYPES
from maternity.rules.wording import in_english, worded

from ..actors import Actor
from ..errors import Invalid, NotAllowed, NotFound, UnknownCode
from ..models import BreakGlassReason, NoteKind, Pregnancy, ReviewKind, StakeholderReason
from ..signals import break_glass_done
from .gate import record_write
from .resources import create_in_locked_record
from .reviews import review_item_add
from .stakeholders import stakeholder_grant_for

NO_MATCH = _("No pregnancy matches these keys (national ID, date of birth, and EDD within 21 days).")
MIN_REASON = 10  # "in labour" is not a reason; "admitted in labour, booked elsewhere" is
MAX_REASON = 1000
CODE_FIELD, TEXT_FIELD = "break-glass-reason-code", "break-glass-reason"


@dataclass(frozen=True)
class Found:
    record: Pregnancy
    broke_glass: bool  # True when this find gave the caller access it did not have


@dataclass(frozen=True)
class Reason:
    code: BreakGlassReason
    text: str

    def __str__(self) -> str:
        """As the record's note keeps it: in English, like everything stored."""
        return f"{in_english(self.code.label)}: {self.text}"


NOTE_REASON = " Reason: "  # between what happened and the reason, in a break-glass note


def grant_detail(why: Reason) -> str:
    """The break-glass grant's detail: "Emergency care or acute admission (EMERGENCY): <the text>"."""
    return f"{in_english(why.code.label)} ({why.code.value}): {why.text}"


def break_glass_note_parts(text: str) -> tuple[str, str]:
    """A break-glass note's text as (what happened, the reason code), without the free text: what the
    pregnant person is shown (Normen, as Helsenorge: the coded reason, not the free text, which may say
    anything). Everything after the first NOTE_REASON is the reason, so nothing the finder wrote can end
    up in what happened; a note without a known code gives "" as its code."""
    what, _sep, reason = text.partition(NOTE_REASON)
    for code in BreakGlassReason:
        if reason.startswith(f"{in_english(code.label)}:"):
            return what, code.value
    return what, ""


def break_glass_grant_code(detail: str) -> str:
    """The reason code a break-glass grant's detail (`grant_detail`) was written with, or ""."""
    for code in BreakGlassReason:
        if detail.startswith(f"{in_english(code.label)} ({code.value}):"):
            return code.value
    return ""


def reason_codes_listed() -> str:
    return ", ".join(f"{code.value} ({str(code.label).lower()})" for code in BreakGlassReason)


codes_listed = lazy(reason_codes_listed, str)  # in the language of the refusal that lists them


def break_glass_reason_check(*, code: str | None, text: str | None) -> Reason:
    """The break-glass reason, or Invalid naming what is wrong: the text (`break-glass-reason`), trimmed,
    MIN_REASON to MAX_REASON characters (with OTHER it is the whole explanation); the code
    (`break-glass-reason-code`) one of BreakGlassReason. The text is checked first, so a form that has
    already refused a missing code still hears what is wrong with the text."""
    code, text = (code or "").strip(), (text or "").strip()
    if len(text) < MIN_REASON:
        if code == BreakGlassReason.OTHER:
            say = (
                _(
                    "Say what the other reason is in at least %(least)s characters (you gave %(given)s): the "
                    "reason is kept in the record and the audit trail, and she can read it."
                )
                if text
                else _(
                    "Say what the other reason is in at least %(least)s characters: the reason is kept in "
                    "the record and the audit trail, and she can read it."
                )
            )
        else:
            say = (
                _(
                    "Say why you need this record in at least %(least)s characters (you gave %(given)s): the "
                    "reason is kept in the record and the audit trail, and she can read it."
                )
                if text
                else _(
                    "Say why you need this record in at least %(least)s characters: the reason is kept in "
                    "the record and the audit trail, and she can read it."
                )
            )
        raise Invalid(worded(say, least=MIN_REASON, given=len(text)), field=TEXT_FIELD)
    if len(text) > MAX_REASON:
        raise Invalid(
            worded(
                _("The break-glass reason is at most %(most)s characters (you gave %(given)s)."),
                most=MAX_REASON,
                given=len(text),
            ),
            field=TEXT_FIELD,
        )
    if not code:
        raise Invalid(
            worded(_("A break-glass reason code is required: one of %(codes)s."), codes=codes_listed()),
            field=CODE_FIELD,
        )
    if code not in BreakGlassReason.values:
        raise UnknownCode(
            worded(
                _("Unknown break-glass reason code %(code)s: use one of %(codes)s."),
                code=repr(code[:40]),
                codes=codes_listed(),
            ),
            field=CODE_FIELD,
        )
    return Reason(code=BreakGlassReason(code), text=text)


@record_write()
def record_find_by_keys(*, keys: PregnancyKeys, reason_code: str, reason: str, actor: Actor) -> Found:
    """The pregnancy these keys match, given a break-glass reason (`break_glass_reason_check`). The reason's
    code and text go into the grant's detail and the note when the find breaks glass."""
    why = break_glass_reason_check(code=reason_code, text=reason)
    if not actor.is_professional or actor.care_location is None:
        raise NotAllowed(_("Only health care professionals acting for a Care Location can find a pregnancy."))
    match = best_match(keys)
    if match is None:
        raise NotFound(NO_MATCH)
    locked = Pregnancy.objects.select_for_update(of=("self",), no_key=True)
    record = locked.select_related("person").get(pk=match.pk)
    if can_access(actor, record):
        return Found(record=record, broke_glass=False)
    stakeholder_grant_for(
        record=record,
        actor=actor,
        reason=StakeholderReason.BREAK_GLASS,
        detail=grant_detail(why),  # stored: English
    )
    who = actor.name or "A user"
    create_in_locked_record(
        record=record,
        rt=RESOURCE_TYPES["notes"],
        data={
            "kind": NoteKind.BREAK_GLASS,
            "text": f"{who} at {actor.care_location.name} found this record by its keys (break glass)."
            f"{NOTE_REASON}{why}",
        },
        actor=actor,
    )
    review_item_add(
        kind=ReviewKind.BREAK_GLASS,
        care_location=actor.care_location,
        actor=actor,
        record=record,
        reason_code=why.code.value,
        reason=why.text,
    )
    record.refresh_from_db(fields=["record_last_updated", "revision"])
    break_glass_done.send(sender=record_find_by_keys, record=record)
    return Found(record=record, broke_glass=True)


@record_write()
def record_access_by_keys(*, record_id: UUID | str, keys: PregnancyKeys, actor: Actor) -> bool:
    """A caller who names a record and sends its keys becomes a stakeholder of it (DESIGN rule 2: read or
    written via the API with the pregnancy keys). False when the keys do not match that record."""
    if not actor.is_professional or actor.care_location is None:
        return False
    for record in records_matching(keys):
        if str(record.pk) == str(record_id):
            stakeholder_grant_for(
                record=record, actor=actor, reason=StakeholderReason.API_ACCESS, detail="pregnancy keys"
            )
            # The caller reads the record next: from the primary, which has the grant even when it was
            # there already (made by another client of the location a moment ago) and nothing was written.
            read_primary_from_now()
            return True
    return False
