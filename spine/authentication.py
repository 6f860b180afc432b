"""Bearer tokens from `POST /o/token/` (client credentials), resolved to the SpineClient behind them.

One query finds the token, its client system, the client's Care Location and service user (by the
token's SHA-256, as django-oauth-toolkit stores it), so every check is made on rows read in this request:
a revoked token (deleted) or a deactivated client, location or service user is refused at once, with no
cache to outlive it.
"""

import hashlib

from django.utils import timezone
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from oauth2_provider.models import get_access_token_model
from rest_framework import exceptions

from maternity.database.compiled_queries import CompiledQuery

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


class SpineClientAuthentication(OAuth2Authentication):
    """Authenticates as the client's service user; `request.auth` is the access token and
    `request.spine_client` the client system. Inactive clients and locations are refused."""

    def authenticate(self, request):
        # Read from the Django request's headers: DRF's request would parse the body first, and a
        # malformed body would be answered 400 before a missing token's 401.
        header = request._request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise exceptions.AuthenticationFailed(INVALID)
        checksum = hashlib.sha256(value.strip().encode("utf-8", "surrogateescape")).hexdigest()
        token = _TOKEN.first_object(checksum=checksum)
        if token is None or token.expires is None or token.expires <= timezone.now():
            raise exceptions.AuthenticationFailed(INVALID)
        client = getattr(token.application, "spine_client", None) if token.application_id else None
        if client is None:
            raise exceptions.AuthenticationFailed("The token does not belong to a registered client system.")
        if client.deactivated:
            raise exceptions.AuthenticationFailed("This client system has been deactivated.")
        client.application = token.application  # so client.client_id needs no query
        request._request.spine_client = client
        return client.service_user, token
