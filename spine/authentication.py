"""Bearer tokens from `POST /o/token/` (client credentials), resolved to the SpineClient behind them."""

from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework import exceptions

from .models import SpineClient


class SpineClientAuthentication(OAuth2Authentication):
    """Authenticates as the client's service user; `request.auth` is the access token and
    `request.spine_client` the client system. Inactive clients and locations are refused."""

    def authenticate(self, request):
        # django-oauth-toolkit reads the token from the Django request: given DRF's, it would parse the JSON
        # body (request.POST), and a malformed body would be answered 400 before a missing token's 401.
        result = super().authenticate(request._request)
        if result is None:
            if request.META.get("HTTP_AUTHORIZATION"):
                raise exceptions.AuthenticationFailed("The access token is invalid or has expired.")
            return None
        _, token = result
        try:
            client = SpineClient.objects.select_related("care_location", "service_user", "application").get(
                application_id=token.application_id
            )
        except SpineClient.DoesNotExist:
            raise exceptions.AuthenticationFailed(
                "The token does not belong to a registered client system."
            ) from None
        if client.deactivated:
            raise exceptions.AuthenticationFailed("This client system has been deactivated.")
        request._request.spine_client = client
        return client.service_user, token
