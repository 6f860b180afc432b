"""Signing in and out of the portal (OpenID Connect)."""

from django.urls import path

from . import oidc
from .views import auth

urlpatterns = [
    path("login/", auth.login, name="login"),
    path("logout/", oidc.sign_out, name="logout"),
    path("oidc/authenticate/", oidc.PortalLoginStart.as_view(), name="oidc-start"),
    path("oidc/callback/", oidc.PortalCallback.as_view(), name="oidc-callback"),
]
