"""Her questions about her access log, as a queue in the admin for the Care Locations' admins: each admin
sees only the questions to the Care Locations they administer (superusers see all), open ones first, the
oldest first. A question's page is read-only (nothing in the admin edits a versioned model); an open one
has an "Answer" page (`<id>/answer/`) whose one field is the answer, saved through
`portal.access_questions.access_question_answer`, which checks again who may answer and writes the audit
entry. Opening the queue, a question or its answer page is itself audited, as a read of the audit trail."""

from django import forms
from django.contrib import admin, messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from maternity.admin.base import HistoryAdmin, object_action_url, one_object
from maternity.admin.scope import LocationQueueAdmin
from maternity.audit.note import audit_ip, start_audit
from maternity.errors import Invalid, NotAllowed, NotFound
from maternity.models import AccessAction
from maternity.rules.wording import in_english

from .access_questions import RESOURCE_TYPE, access_question_answer
from .models import ANSWER_MAX_LENGTH, AccessQuestion, QuestionStatus


class AnswerForm(forms.Form):
    answer = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
        max_length=ANSWER_MAX_LENGTH,
        label=gettext_lazy("Answer"),
        help_text=gettext_lazy(
            "She reads this in her portal, under her access log, with your name. Plain words, please."
        ),
    )


ANSWERED_ALREADY = gettext_noop("This question has been answered already.")


def _question_id(object_id: str) -> int:
    try:
        return int(object_id)
    except (TypeError, ValueError, OverflowError):
        raise Http404("No such question.") from None


@admin.register(AccessQuestion)
class AccessQuestionAdmin(LocationQueueAdmin, HistoryAdmin):
    list_display = ["asked_at", "status", "care_location", "short_question", "entry_id", "answer_link"]
    list_filter = ["status"]
    list_select_related = ["care_location"]
    ordering = ["-status", "asked_at"]  # OPEN before ANSWERED; the oldest first
    show_full_result_count = False
    actions = None
    fields = (
        "status",
        "care_location",
        "record",
        "asked_at",
        "entry_id",
        "entry_at",
        "entry_text",
        "question",
        "answer",
        "answered_by_name",
        "answered_at",
    )
    readonly_fields = fields
    answer_template = "admin/portal/accessquestion/answer.html"

    @admin.display(description=gettext_lazy("question"))
    def short_question(self, question: AccessQuestion) -> str:
        return question.question[:80]

    @admin.display(description=gettext_lazy("answer"))
    def answer_link(self, question: AccessQuestion):
        if question.status != QuestionStatus.OPEN:
            return _("Answered")
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:portal_accessquestion_answer", args=[question.pk]),
            _("Answer…"),
        )

    def get_urls(self):
        return [object_action_url(self, "answer", self.answer_view), *super().get_urls()]

    def history_view(self, request, object_id, extra_context=None):
        _question_id(object_id)
        return super().history_view(request, object_id, extra_context)

    def answer_view(self, request, object_id):
        """Answer one open question of this admin's queue (404 for one they may not see)."""
        question = one_object(self, request, _question_id(object_id), missing="No such question.").get()
        start_audit(
            request,
            AccessAction.AUDIT_READ if request.method == "GET" else AccessAction.WRITE,
            record_id=question.record_id,
            person_id=question.person_id,
            resource_type=RESOURCE_TYPE,
            detail=f"Question #{question.pk} about audit entry #{question.entry_id}.",
        )
        form = AnswerForm(request.POST if request.method == "POST" else None)
        error = refused = ""  # what the admin reads; what the audit trail keeps (in English)
        if question.status != QuestionStatus.OPEN:
            refused = ANSWERED_ALREADY
            error = _(ANSWERED_ALREADY)
        elif form.is_valid():
            try:
                access_question_answer(
                    question_id=question.pk,
                    answer=form.cleaned_data["answer"],
                    user=request.user,
                    ip=audit_ip(request),
                )
            except (Invalid, NotAllowed, NotFound) as refusal:
                error, refused = refusal.message, in_english(refusal.message)  # shown; audited
            else:
                request.audit = None  # the service wrote this request's entry
                messages.success(
                    request,
                    _("Question %(id)s answered: she can read the answer now.") % {"id": question.pk},
                )
                return redirect("admin:portal_accessquestion_changelist")
        if request.method == "POST":
            request.audit.status_code = 400
            request.audit.add_detail(f"Answer refused: {refused or 'the form has errors'}.")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Answer question %(id)s") % {"id": question.pk},
            "opts": self.model._meta,
            "question": question,
            "form": form,
            "error": error,
            "changelist_url": reverse("admin:portal_accessquestion_changelist"),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.answer_template, context)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if request.method == "GET" and response.status_code == 200:
            response.render()
            start_audit(request, AccessAction.AUDIT_READ, detail="Listed the questions about access logs.")
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        question = self.get_queryset(request).filter(pk=_question_id(object_id)).first()
        extra_context = {
            **(extra_context or {}),
            "answer_url": reverse("admin:portal_accessquestion_answer", args=[question.pk])
            if question is not None and question.status == QuestionStatus.OPEN
            else "",
        }
        response = super().change_view(request, object_id, form_url, extra_context)
        if question is not None and response.status_code == 200:
            response.render()
            start_audit(
                request,
                AccessAction.AUDIT_READ,
                record_id=question.record_id,
                person_id=question.person_id,
                resource_type=RESOURCE_TYPE,
                detail=f"Viewed question #{question.pk} about audit entry #{question.entry_id}.",
            )
        elif question is None:
            start_audit(
                request,
                AccessAction.AUDIT_READ,
                resource_type=RESOURCE_TYPE,
                detail=f"Tried to view question #{object_id}: not found or not visible.",
                status_code=404,
            )
        return response
