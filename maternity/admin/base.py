"""What the admin's pages share: read-only model admins, and actions that also open for one object."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.urls import path
from simple_history.admin import SimpleHistoryAdmin


class ReadOnlyAdmin(admin.ModelAdmin):
    """No add, change or delete: versioned data changes only through the services, audit entries never."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HistoryAdmin(SimpleHistoryAdmin):
    """simple-history's pages: every version with who and when. Its page for one past version is an edit
    form that, on POST, saves that version back (a revert around the services, which for a record would
    skip the version check and the RecordEvent). Here it only shows the version, and an id that cannot be
    one is 404, not a server error."""

    def history_view(self, request, object_id, extra_context=None):
        """Every version of one object; an id that cannot be one is 404 (simple-history asks the database
        with it as it is, and an integer key says ValueError)."""
        self._object_id_or_404(object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        self._object_id_or_404(object_id)
        try:
            int(version_id)
        except ValueError:
            raise Http404("No such version.") from None
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _object_id_or_404(self, object_id) -> None:
        try:
            self.model._meta.pk.to_python(object_id)
        except (ValidationError, ValueError):
            raise Http404("No such version.") from None

    def revert_disabled(self, request, obj=None):
        return True


def object_action_url(model_admin, slug: str, view):
    """`<id>/<slug>/` for an admin action that also opens for one object from its change page; named
    `<app>_<model>_<slug with underscores>`."""
    opts = model_admin.model._meta
    name = f"{opts.app_label}_{opts.model_name}_{slug.replace('-', '_')}"
    return path(f"<path:object_id>/{slug}/", model_admin.admin_site.admin_view(view), name=name)


def one_object(model_admin, request, object_id, *, missing: str) -> QuerySet:
    """The admin's own (scoped) queryset holding just that object, for an action to run on; 404 when the
    object does not exist or this admin may not see it."""
    try:
        queryset = model_admin.get_queryset(request).filter(pk=object_id)
        found = queryset.exists()
    except (ValidationError, ValueError):
        found = False
    if not found:
        raise Http404(missing)
    return queryset
