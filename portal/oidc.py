"""The pregnant person signs in with OpenID Connect (e.g. ID-porten, NHS login): mozilla-django-oidc,
configured by PORTAL_OIDC_* settings, separate from the professionals' sign-in (OIDC_*).

Authorization code flow with PKCE, state and nonce; the ID token's signature (mozilla-django-oidc),
issuer, audience and expiry (here) are checked. The national-ID claim (`PORTAL_OIDC_NATIONAL_ID_CLAIM`,
e.g. `pid` or `nhs_number`) links her to her Person: the first sign-in makes her portal account; a person
with no record here is refused. Signing out also ends her session at the provider.
"""

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth
from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_POST
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from maternity import services
from maternity.rules.identifiers import InvalidIdentifier, parse_national_id
from maternity.signin.oidc import check_id_token_claims

from .notifications import remember_language

log = logging.getLogger(__name__)

# mozilla-django-oidc reads its settings by these names; the portal's come from PORTAL_ ones.
PORTAL_NAMES = {
    "OIDC_RP_CLIENT_ID": "PORTAL_OIDC_RP_CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET": "PORTAL_OIDC_RP_CLIENT_SECRET",
    "OIDC_RP_SIGN_ALGO": "PORTAL_OIDC_RP_SIGN_ALGO",
    "OIDC_RP_SCOPES": "PORTAL_OIDC_RP_SCOPES",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "PORTAL_OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT": "PORTAL_OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT": "PORTAL_OIDC_OP_USER_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT": "PORTAL_OIDC_OP_JWKS_ENDPOINT",
}
FIXED = {
    "OIDC_USE_PKCE": True,
    "OIDC_USE_NONCE": True,
    "OIDC_STORE_ID_TOKEN": True,  # for id_token_hint when she signs out
    "OIDC_AUTHENTICATION_CALLBACK_URL": "portal:oidc-callback",
    "LOGIN_REDIRECT_URL": "portal:home",
    "LOGIN_REDIRECT_URL_FAILURE": "/portal/login/?failed",
    "OIDC_RP_IDP_SIGN_KEY": None,
}


def portal_setting(attr, *default):
    if attr in FIXED:
        return FIXED[attr]
    if attr in PORTAL_NAMES:
        return getattr(settings, PORTAL_NAMES[attr])
    if hasattr(settings, attr):
        return getattr(settings, attr)
    if default:
        return default[0]
    raise AttributeError(attr)


def national_id_from(claims: dict):
    """Her national ID from the configured claim, or None."""
    value = str(claims.get(settings.PORTAL_OIDC_NATIONAL_ID_CLAIM) or "").strip()
    if not value:
        return None
    try:
        return parse_national_id(value, settings.PORTAL_OIDC_NATIONAL_ID_SYSTEM or None)
    except InvalidIdentifier:
        return None


class PortalOIDCBackend(OIDCAuthenticationBackend):
    get_settings = staticmethod(portal_setting)

    def authenticate(self, request, **kwargs):
        if request is None or request.path != reverse("portal:oidc-callback"):
            return None  # another sign-in (the professionals', a password)
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        try:
            check_id_token_claims(
                payload, issuer=settings.PORTAL_OIDC_OP_ISSUER, audience=settings.PORTAL_OIDC_AUDIENCE
            )
        except SuspiciousOperation as refused:
            log.warning("Portal sign-in refused: %s", refused)
            return None
        return payload

    def verify_claims(self, claims):
        return national_id_from(claims) is not None

    def get_or_create_user(self, access_token, id_token, payload):
        """Her portal account, made at her first sign-in; None when no record here has her national ID."""
        claims = self.get_userinfo(access_token, id_token, payload)
        national_id = national_id_from(claims)
        if national_id is None:
            log.warning("Portal sign-in refused: no valid %s claim", settings.PORTAL_OIDC_NATIONAL_ID_CLAIM)
            return None
        user = services.portal_account_get_or_create(
            national_id=national_id,
            first_name=str(claims.get("given_name") or ""),
            last_name=str(claims.get("family_name") or ""),
        )
        return user if user is not None and user.is_active else None


class PortalLoginStart(OIDCAuthenticationRequestView):
    get_settings = staticmethod(portal_setting)


class PortalCallback(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(portal_setting)

    def get(self, request):
        try:
            return super().get(request)
        except SuspiciousOperation as refused:  # a state that is not ours (tampered, replayed, expired)
            log.warning("Portal sign-in refused: %s", refused)
            return self.login_failure()

    def login_success(self):
        """Signed in: her emails are written in the language of her pages from now on."""
        remember_language(self.user, translation.get_language())
        return super().login_success()


# Signing out deletes the copies of her pages kept on her phone for reading offline (static/portal/sw.js):
# "cache" the browser's HTTP cache, "storage" the service worker's caches and the worker itself.
CLEAR_SITE_DATA = '"cache", "storage"'


@require_POST
def sign_out(request):
    """End her session here, then at the provider (RP-initiated logout, with the ID token as a hint). The
    answer also tells her browser to delete what it kept of the portal for reading offline."""
    id_token = request.session.get("oidc_id_token")
    auth.logout(request)
    back = request.build_absolute_uri(reverse("portal:login")) + "?signed-out"
    endpoint = settings.PORTAL_OIDC_OP_LOGOUT_ENDPOINT
    if endpoint and id_token:
        query = urlencode(
            {
                "id_token_hint": id_token,
                "post_logout_redirect_uri": back,
                "client_id": settings.PORTAL_OIDC_RP_CLIENT_ID,
            }
        )
        back = f"{endpoint}?{query}"
    response = HttpResponseRedirect(back)
    response["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response
