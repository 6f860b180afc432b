"""Signing in and out of the portal (OpenID Connect)."""

from django.urls import path

from maternity.signin.limits import PORTAL_HELP, oidc_limited

from . import oidc
from .views import auth

limited = oidc_limited(back_url="/portal/login/", base_template="portal/base.html", help_text=PORTAL_HELP)

urlpatterns = [
    path("login/", auth.login, name="login"),
    path("logout/", oidc.sign_out, name="logout"),
    path("oidc/authenticate/", limited(oidc.PortalLoginStart.as_view()), name="oidc-start"),
    path("oidc/callback/", limited(oidc.PortalCallback.as_view()), name="oidc-callback"),
]
