"""Professionals signing in with their organisation's OpenID Connect provider (mozilla-django-oidc).

The ID token must be signed by the provider, issued by the configured issuer, for this client, and not
expired (mozilla-django-oidc checks the signature and nonce; issuer, audience and expiry are checked here).
The practitioner is found by a claim, `OIDC_PRACTITIONER_CLAIM` (e.g. `hpr_number`), matched against
Practitioner.hpr_nr. Nobody is created by signing in: an unknown professional is refused.
"""

import logging
import time

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

LEEWAY_SECONDS = 60
log = logging.getLogger(__name__)


def check_id_token_claims(payload: dict, *, issuer: str, audience: str, now: float | None = None) -> None:
    """Refuse an ID token that is not from `issuer`, not for `audience`, or expired."""
    now = time.time() if now is None else now
    if not issuer or payload.get("iss") != issuer:
        raise SuspiciousOperation(f"ID token issuer {payload.get('iss')!r} is not the configured issuer.")
    audiences = payload.get("aud")
    audiences = [audiences] if isinstance(audiences, str) else list(audiences or [])
    if audience not in audiences:
        raise SuspiciousOperation("ID token is not for this client (audience).")
    if len(audiences) > 1 and payload.get("azp") != audience:
        raise SuspiciousOperation("ID token has several audiences but is not authorised for this client.")
    expires = payload.get("exp")
    if not isinstance(expires, int | float) or expires + LEEWAY_SECONDS < now:
        raise SuspiciousOperation("ID token has expired.")


class PractitionerOIDCBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        if request is None or request.path != reverse("oidc_authentication_callback"):
            return None  # another sign-in (the portal's, a password)
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        """The signed, nonce-checked payload, or None (sign-in fails, back to the login page) when it is
        from another issuer, for another client, or expired."""
        payload = super().verify_token(token, **kwargs)
        try:
            issuer, audience = settings.OIDC_OP_ISSUER, settings.OIDC_RP_CLIENT_ID
            check_id_token_claims(payload, issuer=issuer, audience=audience)
        except SuspiciousOperation as refused:
            log.warning("OpenID Connect sign-in refused: %s", refused)
            return None
        return payload

    def verify_claims(self, claims):
        return bool(claims.get(settings.OIDC_PRACTITIONER_CLAIM))

    def filter_users_by_claims(self, claims):
        value = str(claims.get(settings.OIDC_PRACTITIONER_CLAIM) or "").strip()
        if not value:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(practitioner__hpr_nr=value, is_active=True)

    def describe_user_by_claims(self, claims):
        return f"{settings.OIDC_PRACTITIONER_CLAIM} {claims.get(settings.OIDC_PRACTITIONER_CLAIM)!r}"

    def update_user(self, user, claims):
        return user  # the account is managed in this app; the provider only proves who signs in
