"""Told when it matters: an email to her, if she asked for one, when someone outside her care team breaks
the glass to open one of her records, and when her midwife marks her birth plan read.

The services announce these (`maternity/signals.py`); the receivers here are connected in
`PortalConfig.ready`. An email is sent only after the write's transaction commits, so a write rolled back
sends nothing, and a mail server that is down or refuses is logged as a warning: it never fails or undoes
the clinical write.

The email says what happened and when, and where in the portal to read more. It holds no clinical data:
not her name, national ID, the record's contents, who opened it or where they work. She reads those in the
portal after signing in.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from maternity.errors import Invalid
from maternity.models import Person, Pregnancy
from maternity.signals import birth_plan_read, break_glass_done

from .models import NotificationPreference

logger = logging.getLogger(__name__)

RESOURCE_TYPE = "notificationPreference"
EMAIL_FIELD = "email"


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


def preference_for(person: Person) -> NotificationPreference:
    """Her choices, or the defaults (nothing sent) when she has made none; not saved."""
    found = NotificationPreference.objects.filter(person=person).first()
    return found or NotificationPreference(person=person)


@transaction.atomic
def notification_preference_save(
    *, person: Person, user, email: str, on_break_glass: bool, on_birth_plan_read: bool
) -> NotificationPreference:
    """Save her choices. Invalid (field `email`): an address that is not one, or none while she asks for
    an email. Nothing is saved when it is refused."""
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise Invalid(
                f"{email[:80]!r} is not an email address. Check it and try again.", field=EMAIL_FIELD
            ) from None
    elif on_break_glass or on_birth_plan_read:
        raise Invalid("Write the email address the messages should go to.", field=EMAIL_FIELD)
    preference = NotificationPreference.objects.select_for_update().filter(person=person).first()
    preference = preference or NotificationPreference(person=person)
    preference.email = email
    preference.on_break_glass = on_break_glass
    preference.on_birth_plan_read = on_birth_plan_read
    preference._history_user = user  # type: ignore[attr-defined]
    preference.save()
    return preference


def _moment(at) -> str:
    """6 December 2026 at 10:48, in the site's time zone."""
    return date_format(timezone.localtime(at), "j F Y \\a\\t H:i")


def _link(name: str, record: Pregnancy) -> str:
    return settings.PORTAL_PUBLIC_URL + reverse(name, args=[record.pk])


def break_glass_message(record: Pregnancy, at) -> Message:
    return Message(
        "Someone opened your maternity record",
        f"Someone from a Care Location that was not caring for you opened your maternity record on "
        f'{_moment(at)}, using the emergency access called "break glass".\n\n'
        f"You can see who it was and the reason they gave in your access log, after signing in:\n"
        f"{_link('portal:access-log', record)}\n\n"
        f"If you do not know why, you can ask about it there.\n\n"
        f"You get this email because you asked for it. You can turn it off in the portal.\n",
    )


def birth_plan_read_message(record: Pregnancy, at) -> Message:
    return Message(
        "Your birth plan has been read",
        f"Your midwife marked your birth plan as read on {_moment(at)}.\n\n"
        f"You can see it after signing in:\n{_link('portal:birth-plan', record)}\n\n"
        f"You get this email because you asked for it. You can turn it off in the portal.\n",
    )


def _send_after_commit(to: str, message: Message) -> None:
    def send() -> None:
        try:
            send_mail(message.subject, message.body, None, [to], fail_silently=False)
        except Exception as failure:  # any failure of the mail server: the write stands
            logger.warning("Could not send a notification email: %s: %s", type(failure).__name__, failure)

    transaction.on_commit(send)


def on_break_glass(sender, *, record: Pregnancy, **kwargs) -> None:
    wanted = NotificationPreference.objects.filter(person_id=record.person_id, on_break_glass=True).first()
    if wanted and wanted.email:
        _send_after_commit(wanted.email, break_glass_message(record, timezone.now()))


def on_birth_plan_read(sender, *, record: Pregnancy, plan, **kwargs) -> None:
    wanted = NotificationPreference.objects.filter(
        person_id=record.person_id, on_birth_plan_read=True
    ).first()
    if wanted and wanted.email:
        _send_after_commit(wanted.email, birth_plan_read_message(record, plan.acknowledged_at))


def connect() -> None:
    break_glass_done.connect(on_break_glass, dispatch_uid="portal.notifications.break_glass")
    birth_plan_read.connect(on_birth_plan_read, dispatch_uid="portal.notifications.birth_plan_read")
