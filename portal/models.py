"""What the portal keeps of its own: her questions about entries in her access log.

A question is about one audit entry of one of her records; it goes to the Care Location named in that
entry, whose admins answer it in the admin (`portal/admin.py`); she reads the answer under her access log.
Every change is a version with who and when (django-simple-history), and every ask and answer is also an
entry in the audit trail (`portal/access_questions.py`).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

QUESTION_MAX_LENGTH = 2000
ANSWER_MAX_LENGTH = 4000


class QuestionStatus(models.TextChoices):
    OPEN = "OPEN", gettext_lazy("Open")
    ANSWERED = "ANSWERED", gettext_lazy("Answered")


class AccessQuestion(models.Model):
    person = models.ForeignKey("maternity.Person", on_delete=models.CASCADE, related_name="access_questions")
    record = models.ForeignKey(
        "maternity.Pregnancy", on_delete=models.CASCADE, related_name="access_questions"
    )
    entry_id = models.BigIntegerField(
        gettext_lazy("audit entry"),
        help_text=gettext_lazy("The access-log entry she asked about (the audit trail is never deleted)."),
    )
    entry_at = models.DateTimeField(gettext_lazy("entry's time"))
    entry_text = models.TextField(
        gettext_lazy("what she saw"), help_text=gettext_lazy("The entry as her access log showed it to her.")
    )
    question = models.TextField(max_length=QUESTION_MAX_LENGTH)
    care_location = models.ForeignKey(
        "maternity.CareLocation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="access_questions",
        help_text=gettext_lazy(
            "Where the question goes: the Care Location named in the entry (none: superusers answer)."
        ),
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    asked_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=QuestionStatus.choices, default=QuestionStatus.OPEN)
    answer = models.TextField(max_length=ANSWER_MAX_LENGTH, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_by_name = models.CharField(
        max_length=200, blank=True, help_text=gettext_lazy("Kept when the account is gone.")
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-asked_at", "-id"]
        indexes = [
            models.Index(fields=["care_location", "status", "asked_at"], name="accessquestion_queue"),
            models.Index(fields=["record", "asked_at"], name="accessquestion_record"),
        ]

    def __str__(self) -> str:
        return f"Question {self.pk} about audit entry {self.entry_id} ({self.get_status_display()})"


class NotificationPreference(models.Model):
    """Whether she wants an email when it matters, and where to: when someone outside her care team breaks
    the glass to open one of her records, and when her midwife marks her birth plan read. Off until she
    turns it on (`portal/notifications.py`). Every change is a version with who and when."""

    person = models.OneToOneField(
        "maternity.Person", on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.EmailField(blank=True)
    on_break_glass = models.BooleanField(
        gettext_lazy("when someone breaks the glass"),
        default=False,
        help_text=gettext_lazy("Email her when break glass opens her record."),
    )
    on_birth_plan_read = models.BooleanField(
        gettext_lazy("when her birth plan is read"),
        default=False,
        help_text=gettext_lazy("Email her when her midwife reads her plan."),
    )
    updated_at = models.DateTimeField(auto_now=True)
    # The language code of her portal pages when she last saved these choices or signed in ("nb", "en"):
    # her emails are written in it (portal/notifications.py); empty, the deployment's PAGE_LANGUAGE_CODE.
    language = models.CharField(max_length=16, blank=True, default="")

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Email notifications of person {self.person_id}"
