"""Told when it matters: an email to her, if she asked for one, when someone outside her care team breaks
the glass to open one of her records, and when her midwife marks her birth plan read.

The services announce these (`maternity/signals.py`); the receivers here are connected in
`PortalConfig.ready`. An email is sent only after the write's transaction commits, so a write rolled back
sends nothing, and a mail server that is down or refuses is logged as a warning: it never fails or undoes
the clinical write.

The email says what happened and when, and where in the portal to read more. It holds no clinical data:
not her name, national ID, the record's contents, who opened it or where they work. She reads those in the
portal after signing in.

It is written in her language, not in the language of the request that sends it (a midwife's, in another
language perhaps): the language of her portal pages when she last saved her choices or signed in (kept
with her choices), else the deployment's PAGE_LANGUAGE_CODE.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from maternity.errors import Invalid
from maternity.models import Person, Pregnancy
from maternity.rules.wording import worded
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
    *, person: Person, user, email: str, on_break_glass: bool, on_birth_plan_read: bool, language: str = ""
) -> NotificationPreference:
    """Save her choices, and the language of the page she saved them on (her emails' language). Invalid
    (field `email`): an address that is not one, or none while she asks for an email. Nothing is saved
    when it is refused."""
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise Invalid(
                worded(
                    gettext_lazy("%(email)s is not an email address. Check it and try again."),
                    email=repr(email[:80]),
                ),
                field=EMAIL_FIELD,
            ) from None
    elif on_break_glass or on_birth_plan_read:
        raise Invalid(
            gettext_lazy("Write the email address the messages should go to."),
            field=EMAIL_FIELD,
        )
    preference = NotificationPreference.objects.select_for_update().filter(person=person).first()
    preference = preference or NotificationPreference(person=person)
    preference.email = email
    preference.on_break_glass = on_break_glass
    preference.on_birth_plan_read = on_birth_plan_read
    preference.language = language or preference.language
    preference._history_user = user  # type: ignore[attr-defined]
    preference.save()
    return preference


def remember_language(user, language: str) -> None:
    """The language of her pages as she signs in, for her emails: one query, changing nothing when she has
    made no email choices or the language is the same. Not a choice she makes, so not a version of them."""
    NotificationPreference.objects.filter(person__user=user).exclude(language=language).update(
        language=language
    )


def email_language(preference: NotificationPreference) -> str:
    return preference.language or settings.PAGE_LANGUAGE_CODE


def _moment(at) -> str:
    """6 Dec 2026 at 10:48 (6. des. 2026 kl. 10:48), in the site's time zone."""
    local = timezone.localtime(at)
    return pgettext("a date and a time", "%(date)s at %(time)s") % {
        "date": formats.date_format(local, "DATE_FORMAT"),
        "time": formats.time_format(local, "TIME_FORMAT"),
    }


def _link(name: str, record: Pregnancy) -> str:
    return settings.PORTAL_PUBLIC_URL + reverse(name, args=[record.pk])


def _body(*paragraphs: str) -> str:
    why = _("You get this email because you asked for it. You can turn it off in the portal.")
    return "\n\n".join([*paragraphs, why]) + "\n"


def break_glass_message(record: Pregnancy, at) -> Message:
    """In the active language: the receiver below activates hers."""
    return Message(
        _("Someone opened your maternity record"),
        _body(
            _(
                "Someone from a Care Location that was not caring for you opened your maternity record on "
                '%(moment)s, using the emergency access called "break glass".'
            )
            % {"moment": _moment(at)},
            _("You can see who it was and the reason they gave in your access log, after signing in:")
            + "\n"
            + _link("portal:access-log", record),
            _("If you do not know why, you can ask about it there."),
        ),
    )


def birth_plan_read_message(record: Pregnancy, at) -> Message:
    """In the active language: the receiver below activates hers."""
    return Message(
        _("Your birth plan has been read"),
        _body(
            _("Your midwife marked your birth plan as read on %(moment)s.") % {"moment": _moment(at)},
            _("You can see it after signing in:") + "\n" + _link("portal:birth-plan", record),
        ),
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
        with translation.override(email_language(wanted)):
            message = break_glass_message(record, timezone.now())
        _send_after_commit(wanted.email, message)


def on_birth_plan_read(sender, *, record: Pregnancy, plan, **kwargs) -> None:
    wanted = NotificationPreference.objects.filter(
        person_id=record.person_id, on_birth_plan_read=True
    ).first()
    if wanted and wanted.email:
        with translation.override(email_language(wanted)):
            message = birth_plan_read_message(record, plan.acknowledged_at)
        _send_after_commit(wanted.email, message)


def connect() -> None:
    break_glass_done.connect(on_break_glass, dispatch_uid="portal.notifications.break_glass")
    birth_plan_read.connect(on_birth_plan_read, dispatch_uid="portal.notifications.birth_plan_read")
