"""The token endpoint, `POST /o/token/` (and `POST /o/revoke_token/`): django-oauth-toolkit's views,
rate-limited per client_id and per address (maternity/http/rate_limits.py). Every request counts, not
only failures: each one checks a client secret with the slow password hasher, and a client system needs a
new token only when its last one expires (SPINE_TOKEN_SECONDS, an hour by default).

Over the limit the answer is 429 with Retry-After and an OAuth 2.0 error body (RFC 6749 section 5.2, with
the extension code `too_many_requests`); the secret is not checked and no token is issued. Every other
refusal has that body too: a deactivated client system (`invalid_client`, 401), a request without
`grant_type` (`invalid_request`), a method other than POST (405, `invalid_request`, with Allow).
"""

import base64
import binascii
import json
from urllib.parse import unquote_plus

from django.http import HttpResponse
from oauth2_provider import views
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauthlib.oauth2.rfc6749 import errors

from maternity.http import rate_limits

from .models import SpineClient

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def client_id_of(request) -> str:
    """The client_id a request names: in HTTP Basic credentials (form-encoded, RFC 6749 section 2.3.1) or
    in the body."""
    scheme, _, credentials = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credentials.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            decoded = ""
        if decoded:
            return unquote_plus(decoded.partition(":")[0])
    return request.POST.get("client_id", "")


def oauth_error(status: int, error: str, description: str) -> HttpResponse:
    """An error in RFC 6749's shape (section 5.2), never cached."""
    body = {"error": error, "error_description": description}
    response = HttpResponse(json.dumps(body), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


def too_many_token_requests(attempt) -> HttpResponse:
    response = oauth_error(
        429,
        "too_many_requests",
        f"Too many token requests from this client or address: try again in {attempt.retry_after} "
        "seconds, and reuse a token until it expires.",
    )
    response["Retry-After"] = str(attempt.retry_after)
    return response


class ClientSystemValidator(OAuth2Validator):
    """django-oauth-toolkit's checks, and one of ours: a deactivated client system (or one of a deactivated
    Care Location) is refused at the token endpoint with `invalid_client`, not only when it uses a token.
    Said only to a caller that proved the secret."""

    def authenticate_client(self, request, *args, **kwargs):
        if not super().authenticate_client(request, *args, **kwargs):
            return False
        client = (
            SpineClient.objects.select_related("care_location", "service_user")
            .filter(application_id=request.client.pk)
            .first()
        )
        if client is not None and client.deactivated:
            raise errors.InvalidClientError(
                description="This client system has been deactivated.", request=request
            )
        return True


class TokenEndpointMixin:
    def post(self, request, *args, **kwargs):
        attempt = rate_limits.token_attempt(request, client_id_of(request))
        if attempt.refused:
            attempt.log_refusal(request, "token requests")
            return too_many_token_requests(attempt)
        return super().post(request, *args, **kwargs)

    def http_method_not_allowed(self, request, *args, **kwargs):
        allow = super().http_method_not_allowed(request, *args, **kwargs)["Allow"]  # (and logs it)
        response = oauth_error(405, "invalid_request", f"{request.method} is not allowed here: use POST.")
        response["Allow"] = allow
        return response


class GrantTypeRequired:
    """What oauthlib and django-oauth-toolkit answer wrongly: no `grant_type` is `invalid_request` (RFC 6749
    section 5.2), not `unsupported_grant_type`; the device grant without its `device_code` is
    `invalid_request` (RFC 8628 section 3.4), not a 500."""

    def post(self, request, *args, **kwargs):
        grant_type = request.POST.get("grant_type", "")
        if not grant_type:
            return oauth_error(
                400,
                "invalid_request",
                "grant_type is required (form-encoded): client systems send grant_type=client_credentials.",
            )
        if grant_type == DEVICE_CODE_GRANT and not request.POST.get("device_code"):
            return oauth_error(400, "invalid_request", "device_code is required with this grant_type.")
        return super().post(request, *args, **kwargs)


class TokenView(TokenEndpointMixin, GrantTypeRequired, views.TokenView):
    pass


class RevokeTokenView(TokenEndpointMixin, views.RevokeTokenView):
    pass
