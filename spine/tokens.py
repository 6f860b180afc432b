"""The token endpoint, `POST /o/token/` (and `POST /o/revoke_token/`): django-oauth-toolkit's views,
rate-limited per client_id and per address (maternity/rate_limits.py). Every request counts, not
only failures: each one checks a client secret with the slow password hasher, and a client system needs a
new token only when its last one expires (SPINE_TOKEN_SECONDS, an hour by default).

Over the limit the answer is 429 with Retry-After and an OAuth 2.0 error body (RFC 6749 section 5.2, with
the extension code `too_many_requests`); the secret is not checked and no token is issued.
"""

import base64
import binascii
import json
from urllib.parse import unquote_plus

from django.http import HttpResponse
from oauth2_provider import views

from maternity import rate_limits


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


def too_many_token_requests(attempt) -> HttpResponse:
    body = {
        "error": "too_many_requests",
        "error_description": f"Too many token requests from this client or address: try again in "
        f"{attempt.retry_after} seconds, and reuse a token until it expires.",
    }
    response = HttpResponse(json.dumps(body), status=429, content_type="application/json")
    response["Retry-After"] = str(attempt.retry_after)
    response["Cache-Control"] = "no-store"
    return response


class TokenRateLimitMixin:
    def post(self, request, *args, **kwargs):
        attempt = rate_limits.token_attempt(request, client_id_of(request))
        if attempt.refused:
            attempt.log_refusal(request, "token requests")
            return too_many_token_requests(attempt)
        return super().post(request, *args, **kwargs)


class TokenView(TokenRateLimitMixin, views.TokenView):
    pass


class RevokeTokenView(TokenRateLimitMixin, views.RevokeTokenView):
    pass
