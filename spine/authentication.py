"""Who a client system's request comes from: `Authorization: Bearer <token>` with a token from this
server's `POST /o/token/` (client credentials), or a signed access token (JWT) from a trusted OpenID Connect
issuer such as HelseID, as `Bearer` or, bound to a key, as `DPoP` with a proof (spine/trusted_tokens.py).

For this server's own tokens, one query finds the token, its client system, the client's Care Location
and service user (by the token's SHA-256, as django-oauth-toolkit stores it), so every check is made on
rows read in this request: a revoked token (deleted) or a deactivated client, location or service user is
refused at once, with no cache to outlive it.
"""

import hashlib

from django.utils import timezone
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from oauth2_provider.models import get_access_token_model
from rest_framework import exceptions

from maternity.database.compiled_queries import CompiledQuery

from . import trusted_tokens
from .token_issuers import any_trusted

INVALID = "The access token is invalid or has expired."

_TOKEN = CompiledQuery(  # compiled once: this runs on every request of a client system
    lambda *, checksum: (
        get_access_token_model()
        .objects.select_related(
            "application__spine_client__care_location", "application__spine_client__service_user"
        )
        .filter(token_checksum=checksum)[:1]
    )
)


class Unauthenticated(exceptions.AuthenticationFailed):
    """401, with the WWW-Authenticate challenge that says why (RFC 6750 section 3, RFC 9449 section 7.1)."""

    def __init__(self, detail: str, challenge: str = 'Bearer realm="api"'):
        super().__init__(detail)
        self.challenge = challenge


class TokenIssuerUnavailable(exceptions.APIException):
    """503: the token cannot be checked now (its issuer's keys cannot be fetched), through no fault of the
    caller's."""

    status_code = 503


class SpineClientAuthentication(OAuth2Authentication):
    """Authenticates as the client's service user; `request.auth` is the access token and
    `request.spine_client` the client system; `request.token_professional` is the person a trusted user
    token names (else None). Inactive clients and locations are refused."""

    def authenticate(self, request):
        # Read from the Django request's headers: DRF's request would parse the body first, and a
        # malformed body would be answered 400 before a missing token's 401.
        http_request = request._request
        header = http_request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        scheme, _, value = header.partition(" ")
        scheme, value = scheme.lower(), value.strip()
        if scheme not in ("bearer", "dpop") or not value:
            raise Unauthenticated(INVALID)
        if trusted_tokens.looks_like_jwt(value) and any_trusted():
            return self._trusted_token(http_request, scheme, value)
        if scheme != "bearer":
            raise Unauthenticated("Authorization: DPoP takes a signed access token from a trusted issuer.")
        return self._own_token(http_request, value)

    def _trusted_token(self, http_request, scheme: str, value: str):
        try:
            trusted = trusted_tokens.verify(
                scheme=scheme,
                token=value,
                proof=http_request.headers.get("DPoP", ""),
                method=http_request.method,
                url=http_request.build_absolute_uri(http_request.path),
            )
        except trusted_tokens.TokenRefused as refused:
            raise Unauthenticated(refused.message, refused.challenge) from None
        except trusted_tokens.IssuerUnavailable as error:
            raise TokenIssuerUnavailable(f"{error} Try again shortly.") from None
        http_request.spine_client = trusted.client
        http_request.token_professional = trusted.professional
        return trusted.client.service_user, trusted.claims

    def _own_token(self, http_request, value: str):
        checksum = hashlib.sha256(value.encode("utf-8", "surrogateescape")).hexdigest()
        token = _TOKEN.first_object(checksum=checksum)
        if token is None or token.expires is None or token.expires <= timezone.now():
            raise Unauthenticated(INVALID, 'Bearer realm="api", error="invalid_token"')
        client = getattr(token.application, "spine_client", None) if token.application_id else None
        if client is None:
            raise Unauthenticated("The token does not belong to a registered client system.")
        if client.deactivated:
            raise Unauthenticated("This client system has been deactivated.")
        client.application = token.application  # so client.client_id needs no query
        http_request.spine_client = client
        http_request.token_professional = None
        return client.service_user, token
