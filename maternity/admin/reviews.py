"""The access review queue (Normen: self-authorised access is reviewed afterwards), for Care Location admins.

Each admin sees the items of the Care Locations she administers (superusers see all): open ones first, the
newest first; filters by kind, open or reviewed, outcome and Care Location. An item's page is read-only
with its history (every decision is a version: who and when); an item has a "Review" page
(`<id>/review/`) whose outcome and comment go to `maternity.services.reviews.access_review_decide`, which
checks every rule and writes the decision's audit entry. Opening the queue, an item, its history or its
review page is itself audited, as a read of the audit trail. Anyone else: the admin's 404.

The record is named by its id with two links: the audit trail's entries about it (what else they did), and
the record in the midwives' app, which checks access and audits as it always does (an admin who does not
work at a stakeholder location gets its 404 there, and sees nothing of the record here but its id).
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..audit.note import audit_ip, start_audit
from ..errors import Invalid, NotFound
from ..models import AccessAction, AccessReview, ReviewKind, ReviewOutcome
from ..rules.wording import in_english
from ..services.reviews import RESOURCE_TYPE, access_review_decide
from .audit import AuditCareLocationFilter
from .base import HistoryAdmin, object_action_url, one_object
from .scope import LocationQueueAdmin, administered_location_ids


class ReviewForm(forms.Form):
    """Parses only: the service says what is wrong (one set of rules, for every caller)."""

    outcome = forms.CharField(
        widget=forms.Select(choices=[("", "---------"), *ReviewOutcome.choices]),
        required=False,
        label=gettext_lazy("Outcome"),
    )
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        required=False,
        strip=False,
        label=gettext_lazy("Comment"),
        help_text=gettext_lazy(
            "What you checked and what you found. Required for every outcome: it is what a later audit reads."
        ),
    )


class OpenFilter(admin.SimpleListFilter):
    title = gettext_lazy("status")
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", _("Open")), ("no", _("Reviewed"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(reviewed_at__isnull=True)
        if self.value() == "no":
            return queryset.filter(reviewed_at__isnull=False)
        return queryset


def _review_id(object_id: str) -> int:
    try:
        return int(object_id)
    except (TypeError, ValueError, OverflowError):
        raise Http404("No such review item.") from None


def who(item: AccessReview) -> str:
    """ "Kari Jordmor (via epj-client)", "kari", or "someone" when nothing was kept."""
    if item.acting_user_name and item.username and item.acting_user_name != item.username:
        return _("%(name)s (via %(username)s)") % {"name": item.acting_user_name, "username": item.username}
    return item.acting_user_name or item.username or _("someone")


def what_happened(item: AccessReview) -> str:
    """The item in a sentence, in the admin's language (the detail kept beside it is English)."""
    words = {"who": who(item), "where": item.accessor_org_name or _("no Care Location")}
    if item.kind == ReviewKind.BREAK_GLASS:
        return _("%(who)s at %(where)s broke glass: found a record by its keys without access to it.") % words
    if item.kind == ReviewKind.RESTRICTED_OPENED:
        return _("%(who)s at %(where)s opened an entry restricted by %(queue)s.") % {
            **words,
            "queue": item.care_location.name,
        }
    if item.kind == ReviewKind.FIND_WITHOUT_CARE:
        return _("%(who)s at %(where)s found a record by its keys; no care by %(where)s followed.") % words
    if item.kind == ReviewKind.MANY_FINDS:
        day = timezone.localtime(item.occurred_at).date()
        return _("%(who)s at %(where)s searched by keys %(finds)s times on %(day)s.") % {
            **words,
            "finds": item.finds or "?",
            "day": day.isoformat(),
        }
    return item.get_kind_display()


@admin.register(AccessReview)
class AccessReviewAdmin(LocationQueueAdmin, HistoryAdmin):
    list_display = [
        "occurred_at",
        "state",
        "what",
        "care_location",
        "record_links",
        "reason_words",
        "review_link",
    ]
    list_filter = ["kind", OpenFilter, "outcome", AuditCareLocationFilter]
    list_select_related = ["care_location"]
    show_full_result_count = False
    list_per_page = 50
    actions = None
    fields = (
        "kind",
        "care_location",
        "occurred_at",
        "record_id",
        "username",
        "acting_user_name",
        "accessor_org_name",
        "client_id",
        "reason_code",
        "reason",
        "detail",
        "finds",
        "request_id",
        "outcome",
        "comment",
        "reviewed_at",
        "reviewed_by",
    )
    readonly_fields = fields
    history_list_display = ["outcome", "comment", "reviewed_by"]  # each decision, on the history page
    review_template = "admin/maternity/accessreview/review.html"

    def get_list_display(self, request):
        """Whose queue only where there are several: a superuser's, or an admin's of several locations."""
        if request.user.is_superuser or len(administered_location_ids(request)) > 1:
            return self.list_display
        return [name for name in self.list_display if name != "care_location"]

    def get_ordering(self, request):
        return [F("reviewed_at").desc(nulls_first=True), "-occurred_at", "-id"]  # open first, newest first

    # --- columns ---

    @admin.display(description=gettext_lazy("status"))
    def state(self, item: AccessReview) -> str:
        if not item.reviewed:
            return _("Open")
        return item.get_outcome_display()

    @admin.display(description=gettext_lazy("what happened"), ordering="kind")
    def what(self, item: AccessReview):
        return format_html('<span class="review-what">{}</span>', what_happened(item))

    @admin.display(description=gettext_lazy("record"))
    def record_links(self, item: AccessReview):
        if item.record_id is None:
            return "-"
        trail = reverse("admin:maternity_accesslog_changelist") + "?" + urlencode({"q": str(item.record_id)})
        return format_html(
            '<code>{}</code><br><a href="{}">{}</a> · <a href="{}">{}</a>',
            str(item.record_id)[:8],
            trail,
            _("its audit trail"),
            reverse("web:record", args=[item.record_id]),
            _("open in the app"),
        )

    @admin.display(description=gettext_lazy("reason given"))
    def reason_words(self, item: AccessReview):
        if not (item.reason_code or item.reason):
            return "-"
        code = item.get_reason_code_display() if item.reason_code else _("no code")
        return format_html(
            '<span class="review-reason"><strong>{}</strong><br>{}</span>',
            code,
            Truncator(item.reason).chars(120),
        )

    @admin.display(description=gettext_lazy("review"))
    def review_link(self, item: AccessReview):
        label = _("Review…") if not item.reviewed else _("Review again…")
        return format_html(
            '<a href="{}">{}<span class="visually-hidden"> {}</span></a>',
            reverse("admin:maternity_accessreview_review", args=[item.pk]),
            label,
            _("item %(id)s") % {"id": item.pk},
        )

    # --- pages ---

    def get_urls(self):
        return [object_action_url(self, "review", self.review_view), *super().get_urls()]

    def review_view(self, request, object_id):
        """Decide one item of this admin's queue (404 for one they may not see)."""
        item = one_object(self, request, _review_id(object_id), missing="No such review item.").get()
        start_audit(
            request,
            AccessAction.AUDIT_READ if request.method == "GET" else AccessAction.WRITE,
            record_id=item.record_id,
            resource_type=RESOURCE_TYPE,
            detail=f"Access review #{item.pk} ({item.kind}).",
        )
        form = ReviewForm(
            request.POST if request.method == "POST" else None,
            initial={"outcome": item.outcome, "comment": item.comment},
        )
        if request.method == "POST" and form.is_valid():
            try:
                access_review_decide(
                    review=item.pk,
                    outcome=form.cleaned_data["outcome"],
                    comment=form.cleaned_data["comment"],
                    by=request.user,
                    ip=audit_ip(request),
                )
            except Invalid as refusal:
                form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
                request.audit.status_code = 400
                request.audit.add_detail(f"Review refused: {in_english(refusal.message)}")
            except NotFound:
                raise Http404("No such review item.") from None
            else:
                request.audit = None  # the service wrote this request's entry
                messages.success(request, _("Item %(id)s reviewed.") % {"id": item.pk})
                return redirect("admin:maternity_accessreview_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Review access %(id)s") % {"id": item.pk},
            "opts": self.model._meta,
            "item": item,
            "what": what_happened(item),
            "form": form,
            "changelist_url": reverse("admin:maternity_accessreview_changelist"),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.review_template, context)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if request.method == "GET" and response.status_code == 200:
            response.render()
            shown = request.GET.urlencode()
            start_audit(
                request,
                AccessAction.AUDIT_READ,
                resource_type=RESOURCE_TYPE,
                detail=f"Listed the access review queue ({shown or 'no filters'}).",
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        item = self.get_queryset(request).filter(pk=_review_id(object_id)).first()
        extra_context = {
            **(extra_context or {}),
            "review_url": reverse("admin:maternity_accessreview_review", args=[item.pk]) if item else "",
        }
        response = super().change_view(request, object_id, form_url, extra_context)
        self._audit_one(request, item, object_id, "Viewed", response)
        return response

    def history_view(self, request, object_id, extra_context=None):
        item = self.get_queryset(request).filter(pk=_review_id(object_id)).first()
        response = super().history_view(request, object_id, extra_context)
        self._audit_one(request, item, object_id, "Viewed the history of", response)
        return response

    def _audit_one(self, request, item, object_id, did: str, response) -> None:
        if item is not None and response.status_code == 200:
            if hasattr(response, "render"):
                response.render()
            start_audit(
                request,
                AccessAction.AUDIT_READ,
                record_id=item.record_id,
                resource_type=RESOURCE_TYPE,
                detail=f"{did} access review #{item.pk} ({item.kind}).",
            )
        elif item is None:
            start_audit(
                request,
                AccessAction.AUDIT_READ,
                resource_type=RESOURCE_TYPE,
                detail=f"Tried to view access review #{object_id}: not found or not visible.",
                status_code=404,
            )
