"""Her questions about entries in her access log: the write path (asking, answering).

Asking: only about an entry her own access log lists for one of her own records (anything else is
NotFound, the same as an entry that does not exist). The question goes to the Care Location named in the
entry; an entry that names none (an administrator, the system) goes to the superusers.
Answering: only a superuser, or an active staff user who is an admin of that question's Care Location,
and only once (an answer is final; every change is a version all the same).

Each ask and answer is one audit entry (WRITE, resource type "accessQuestion", its detail saying which
question and which entry), in the same transaction as the change; a refused answer is a DENIED entry.
"""

from uuid import UUID

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from maternity.actors import Actor
from maternity.errors import Invalid, NotAllowed, NotFound
from maternity.models import AccessAction, AccessLog, AccessOutcome, Pregnancy, RecordStatus
from maternity.reads.access import get_record_for
from maternity.reads.selectors import patient_audit_entries
from maternity.rules.wording import worded
from maternity.services.audit import access_log_write

from .access_words import entry_text
from .models import ANSWER_MAX_LENGTH, QUESTION_MAX_LENGTH, AccessQuestion, QuestionStatus

RESOURCE_TYPE = "accessQuestion"


REFUSALS = {  # (empty, too long), for each kind of text
    "question": (
        gettext_lazy("Write your question."),
        gettext_lazy("Your question is %(length)d characters long; it can be at most %(max_length)d."),
    ),
    "answer": (
        gettext_lazy("Write your answer."),
        gettext_lazy("Your answer is %(length)d characters long; it can be at most %(max_length)d."),
    ),
}


def _text(value: str, *, field: str, max_length: int) -> str:
    empty, too_long = REFUSALS[field]
    value = (value or "").strip()
    if not value:
        raise Invalid(empty, field=field)
    if len(value) > max_length:
        raise Invalid(worded(too_long, length=len(value), max_length=max_length), field=field)
    return value


@transaction.atomic
def access_question_ask(
    *, actor: Actor, record_id: UUID | str, entry_id: int | str, question: str
) -> AccessQuestion:
    """Ask the Care Location of one entry of her access log about it. NotFound: not her record, or not an
    entry her access log lists; Invalid: an empty or too long question."""
    assert actor.user is not None, "Only a signed-in person asks."
    record = get_record_for(
        actor, record_id, queryset=Pregnancy.objects.exclude(status=RecordStatus.ENTERED_IN_ERROR)
    )
    try:
        entry = patient_audit_entries(record, her_user_id=actor.user.pk).get(pk=int(entry_id))
    except (ValueError, TypeError, OverflowError):
        raise NotFound("There is no such entry in your access log.") from None
    except AccessLog.DoesNotExist:
        raise NotFound("There is no such entry in your access log.") from None
    text = _text(question, field="question", max_length=QUESTION_MAX_LENGTH)
    asked = AccessQuestion(
        person_id=record.person_id,
        record=record,
        entry_id=entry.pk,
        entry_at=entry.at,
        entry_text=entry_text(entry),
        question=text,
        care_location_id=entry.care_location_id,
        asked_by=actor.user,
    )
    to = entry.org_name or "the superusers"
    asked._history_user = actor.user  # type: ignore[attr-defined]
    asked.save()
    access_log_write(
        action=AccessAction.WRITE,
        outcome=AccessOutcome.ALLOWED,
        actor=actor,
        record_id=record.pk,
        person_id=record.person_id,
        resource_type=RESOURCE_TYPE,
        detail=f"Asked about audit entry #{entry.pk} (question #{asked.pk}, to {to}).",
    )
    return asked


def may_answer(user: User, question: AccessQuestion) -> bool:
    """A superuser, or an active staff admin of the question's Care Location."""
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    return question.care_location_id is not None and (
        user.administered_locations.filter(pk=question.care_location_id).exists()
    )


def access_question_answer(
    *, question_id: int, answer: str, user: User, ip: str | None = None
) -> AccessQuestion:
    """Answer an open question. NotFound: no such question; NotAllowed: not this user's to answer (also a
    DENIED audit entry), or already answered; Invalid: an empty or too long answer."""
    try:
        return _answer(question_id=question_id, answer=answer, user=user, ip=ip)
    except NotAllowed as refusal:
        if refusal.rule == "not-theirs":
            question = AccessQuestion.objects.filter(pk=question_id).values("record_id", "person_id").first()
            with translation.override("en"):
                detail = f"Refused to answer question #{question_id}: {refusal.message}"
            access_log_write(
                action=AccessAction.WRITE,
                outcome=AccessOutcome.DENIED,
                user=user,
                record_id=question["record_id"] if question else None,
                person_id=question["person_id"] if question else None,
                resource_type=RESOURCE_TYPE,
                status_code=403,
                detail=detail,
                ip=ip,
            )
        raise


@transaction.atomic
def _answer(*, question_id: int, answer: str, user: User, ip: str | None) -> AccessQuestion:
    try:
        question = (
            AccessQuestion.objects.select_for_update(of=("self",))
            .select_related("care_location")
            .get(pk=int(question_id))
        )
    except (AccessQuestion.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound(gettext_lazy("No such question.")) from None
    if not may_answer(user, question):
        raise NotAllowed(
            gettext_lazy("Only an admin of the question's Care Location, or a superuser, may answer it."),
            rule="not-theirs",
        )
    if question.status != QuestionStatus.OPEN:
        raise NotAllowed(gettext_lazy("This question has been answered already."), rule="answered")
    question.answer = _text(answer, field="answer", max_length=ANSWER_MAX_LENGTH)
    question.status = QuestionStatus.ANSWERED
    question.answered_by = user
    question.answered_by_name = user.get_full_name() or user.get_username()
    question.answered_at = timezone.now()
    question._history_user = user  # type: ignore[attr-defined]
    question.save()
    access_log_write(
        action=AccessAction.WRITE,
        outcome=AccessOutcome.ALLOWED,
        actor=Actor(
            user_type="", user=user, care_location=question.care_location, name=question.answered_by_name
        ),
        record_id=question.record_id,
        person_id=question.person_id,
        resource_type=RESOURCE_TYPE,
        detail=f"Answered question #{question.pk} about audit entry #{question.entry_id}.",
        ip=ip,
    )
    return question
