"""The change site in the admin: the national administration's (superusers) read-only view of every change
proposal and data-set release, with each one's versions (who changed what, when) under History. Nothing is
written here: proposals move, and versions are released, on the change site through dataset/services, which
check every rule and audit. A Care Location's admins use the change site itself (/data-set/proposals/)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from maternity.admin.base import HistoryAdmin, ReadOnlyAdmin

from .models import DataSetRelease, Proposal, ProposalComment, ProposalTransition


def is_national(request) -> bool:
    user = request.user
    return user.is_active and user.is_staff and user.is_superuser


class NationalReadOnly(ReadOnlyAdmin):
    """Read-only, and only for the national administration."""

    def has_module_permission(self, request):
        return is_national(request)

    def has_view_permission(self, request, obj=None):
        return is_national(request)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return is_national(request)


class TransitionInline(ReadOnlyInline):
    model = ProposalTransition
    fields = readonly_fields = ("at", "from_state", "to_state", "version", "reason", "by_name")
    verbose_name = _("state change")
    verbose_name_plural = _("state changes")


class CommentInline(ReadOnlyInline):
    model = ProposalComment
    fields = readonly_fields = ("created", "author_name", "author_kind", "body", "edited", "edits")


@admin.register(Proposal)
class ProposalAdmin(NationalReadOnly, HistoryAdmin):
    list_display = [
        "number", "title", "state", "scheduled_version", "proposer_name", "proposer_kind", "updated"
    ]  # fmt: skip
    list_filter = ["state", "scheduled_version", "proposer_kind"]
    search_fields = ["title", "proposer_name"]
    readonly_fields = ["on_the_change_site"]
    inlines = [TransitionInline, CommentInline]

    @admin.display(description=_("On the change site"))
    def on_the_change_site(self, obj: Proposal) -> str:
        url = reverse("dataset:proposal", args=[obj.number])
        return format_html('<a href="{}">{}</a>', url, _("Open its thread"))


@admin.register(DataSetRelease)
class DataSetReleaseAdmin(NationalReadOnly, HistoryAdmin):
    list_display = ["version", "released_on", "released_by"]
