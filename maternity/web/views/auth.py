"""Signing in and out, and choosing the Care Location to act for."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from maternity.reads.regional import regions_of
from maternity.signin.limits import sign_in_limited
from maternity.signin.locations import SESSION_KEY, locations_of
from maternity.signin.regions import remember_regions


@method_decorator(sign_in_limited, name="dispatch")
class LoginView(auth_views.LoginView):
    """Local password accounts, and a button for the organisation's sign-in (OpenID Connect) when it is
    configured. Failed attempts are rate-limited (maternity/signin/limits.py)."""

    template_name = "maternity/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "oidc_enabled": settings.OIDC_ENABLED,
            "oidc_failed": "oidc-failed" in self.request.GET,
        }

    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.session.pop(SESSION_KEY, None)  # choose afresh at each sign-in
        return response


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


@login_required
def choose_location(request):
    """Pick the Care Location to act for (only offered when there is more than one), and, for a regional
    viewer, the regions whose reports she reads."""
    locations = locations_of(request.user)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = ""
    error = ""
    if request.method == "POST":
        chosen = next((loc for loc in locations if str(loc.pk) == request.POST.get("location")), None)
        if chosen is not None:
            request.session[SESSION_KEY] = chosen.pk
            return redirect(next_url or settings.LOGIN_REDIRECT_URL)
        error = _("Choose one of your Care Locations.")
    context = {
        "regions": list(regions_of(request.user)) if remember_regions(request, request.user) else [],
        "locations": locations,
        "next": next_url,
        "error": error,
        "current": request.session.get(SESSION_KEY),
    }
    return render(request, "maternity/choose_location.html", context, status=400 if error else 200)
