"""Who looked at her record, in her words: each audit entry as when, who (and how: in the maternity app, or
through a hospital's own system with the person behind it), at which Care Location, and what they did.
The words only: what she may see is decided in `portal.views.access_log`."""

from dataclasses import dataclass

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maternity.models import (
    AccessAction,
    AccessLog,
    AccessOutcome,
    BreakGlassReason,
    StakeholderReason,
    UserType,
)

from .plain_language import role_word, section_title, when

WHAT: dict[str, Promise] = {
    AccessAction.READ: gettext_lazy("Opened your record"),
    AccessAction.HISTORY: gettext_lazy("Looked at earlier versions of your record"),
    AccessAction.WRITE: gettext_lazy("Changed your record"),
    AccessAction.CREATE: gettext_lazy("Created your pregnancy record"),
    AccessAction.STATUS_CHANGE: gettext_lazy(
        "Changed the status of your record (for example, to record the birth)"
    ),
    AccessAction.PULL_CARE: gettext_lazy("Took over your care"),
    AccessAction.FIND: gettext_lazy(
        "Searched for your record with your national ID number, date of birth and due date"
    ),
    AccessAction.BREAK_GLASS: gettext_lazy(
        "Opened your record without being part of your care team (break glass)"
    ),
    AccessAction.FIND_ALL: gettext_lazy("Looked up all your pregnancies"),
    AccessAction.PATIENT_LOOKUP: gettext_lazy("Checked whether you have a maternity record"),
    AccessAction.LIST: gettext_lazy("Listed records"),
    AccessAction.DELETE: gettext_lazy("Deleted the record"),
    AccessAction.AUDIT_READ: gettext_lazy("Looked at this list of who has opened your record"),
    AccessAction.EVENTS: gettext_lazy("Received news of changes to your record"),
    AccessAction.SUBSCRIPTION: gettext_lazy("Changed how their system hears about changes"),
}
# What they did to one section: "Looked at your record: blood and other tests".
SECTION_ACTIONS: dict[str, Promise] = {
    AccessAction.READ: gettext_lazy("Looked at your record: %(section)s"),
    AccessAction.WRITE: gettext_lazy("Changed your record: %(section)s"),
    AccessAction.HISTORY: gettext_lazy("Looked at earlier versions of your record: %(section)s"),
}
REFUSED: dict[str, Promise] = {
    AccessOutcome.DENIED: gettext_lazy("They were not allowed to: nothing was shown to them or changed."),
    AccessOutcome.REJECTED: gettext_lazy("Their request was turned down: nothing was changed."),
}
# The coded reason a professional chose when breaking glass, as she reads it on her access log. The free
# text they wrote beside it is not shown there (it may say anything); she can ask about the entry.
BREAK_GLASS_REASONS: dict[str, Promise] = {
    BreakGlassReason.EMERGENCY: gettext_lazy("Emergency care or an acute admission"),
    BreakGlassReason.LABOUR: gettext_lazy("You were in labour or giving birth at their Care Location"),
    BreakGlassReason.TRANSFER: gettext_lazy("Your care was transferred to them, or they received a referral"),
    BreakGlassReason.PATIENT_REQUEST: gettext_lazy("You asked them to, or agreed to it"),
    BreakGlassReason.OTHER: gettext_lazy(
        "Another reason, which they wrote down (ask about this entry to hear it)"
    ),
}
NO_REASON_CODE = gettext_lazy("No reason was chosen from the list (ask about this entry to hear why)")
QUESTION_RESOURCE = "accessQuestion"  # portal.access_questions.RESOURCE_TYPE
GRANT_REASONS: dict[str, Promise] = {
    StakeholderReason.CREATED: gettext_lazy("Created your record"),
    StakeholderReason.ACTIVE_CARE: gettext_lazy("Has looked after you"),
    StakeholderReason.API_ACCESS: gettext_lazy(
        "Opened your record with your ID number, date of birth and due date"
    ),
    StakeholderReason.BREAK_GLASS: gettext_lazy(
        "Opened your record without being part of your care team (break glass)"
    ),
}


@dataclass(frozen=True)
class Access:
    entry: AccessLog
    who: str
    how: str  # "in the maternity record app", "through their own system (Test EPJ 1.0)", ""
    where: str  # the Care Location, or ""
    what: str
    refused: str  # why nothing happened, or ""
    reason: str  # the reason they gave (break glass, a search, a deletion)
    reason_code: str = ""  # the break-glass reason they chose, in words ("" when none)

    @property
    def when(self) -> str:
        return when(self.entry.at)

    @property
    def break_glass(self) -> bool:
        return self.entry.action == AccessAction.BREAK_GLASS


def professional_name(user, fallback: str) -> str:
    """ "Kari Nordmann, midwife" from the account's practitioner profile, else the account name kept in the
    entry (the account may be gone)."""
    practitioner = getattr(user, "practitioner", None) if user is not None else None
    if practitioner is None:
        return fallback or _("A health professional")
    role = role_word(practitioner.role_code)
    return f"{practitioner.display_name}, {role}" if role else practitioner.display_name


def through_their_system(source_system: str) -> str:
    """How a hospital's own system reached her record: "through their own patient record system (EPJ)"."""
    if source_system:
        return _("through their own patient record system (%(system)s)") % {"system": source_system}
    return _("through their own patient record system")


def in_the_app() -> str:
    return _("in the maternity record app")


def nobody_named(user_type: str, *, signed_in: bool) -> tuple[str, str]:
    """Who and how for an entry that is not a professional's nor a client system's."""
    if user_type == UserType.PATIENT:
        return _("Another person signed in to this portal"), ""
    if user_type == UserType.SYSTEM:
        return _("The maternity record system"), _("automatically")
    if signed_in:
        return _("An administrator of the maternity record"), ""
    return _("Someone who was not signed in"), ""


def who_and_how(entry: AccessLog) -> tuple[str, str]:
    if entry.client_id:
        return entry.acting_user_name or _("Someone"), through_their_system(entry.source_system)
    if entry.user_type == UserType.HEALTH_CARE_PROFESSIONAL:
        return professional_name(entry.user, entry.acting_user_name or entry.username), in_the_app()
    return nobody_named(entry.user_type, signed_in=bool(entry.user_id or entry.username))


def what_words(entry: AccessLog) -> str:
    if entry.resource_type == QUESTION_RESOURCE:
        return _("Answered your question about who has opened your record")
    section = section_title(entry.resource_type) if entry.resource_type else ""
    if section and entry.action in SECTION_ACTIONS:
        return str(SECTION_ACTIONS[entry.action]) % {"section": section.lower()}
    return str(WHAT.get(entry.action) or entry.get_action_display())


def access(entry: AccessLog) -> Access:
    who, how = who_and_how(entry)
    return Access(
        entry=entry,
        who=who,
        how=how,
        where=entry.org_name,
        what=what_words(entry),
        refused=str(REFUSED.get(entry.outcome, "")),
        reason=entry.reason,
        reason_code=entry.get_reason_code_display() if entry.reason_code else "",
    )


def grant_reason(reason: str) -> str:
    return str(GRANT_REASONS.get(reason, reason))


def break_glass_reason(code: str) -> str:
    return str(BREAK_GLASS_REASONS.get(code, NO_REASON_CODE))


def entry_line(entry: AccessLog) -> str:
    """One entry as her access log shows it, in one line, in the page's language: what her question about it
    says it is about."""
    item = access(entry)
    how = f", {item.how}" if item.how else ""
    where = f", {item.where}" if item.where else ""
    refused = f" {item.refused}" if item.refused else ""
    return f"{item.when}: {item.who}{how}{where}. {item.what}.{refused}"


def entry_text(entry: AccessLog) -> str:
    """`entry_line` in English whatever her language: it is stored with the question
    (`AccessQuestion.entry_text`), and the Care Location that answers reads it."""
    with translation.override("en"):
        return entry_line(entry)
