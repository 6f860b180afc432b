"""django-oauth-toolkit's token endpoints with rate limits (spine/tokens.py), under /o/ ahead of the toolkit's
own URLs, which serve the rest. Without the trailing slash too: a redirect would lose the POST body."""

from django.urls import path

from .tokens import RevokeTokenView, TokenView

token, revoke = TokenView.as_view(), RevokeTokenView.as_view()

urlpatterns = [
    path("token/", token),
    path("token", token),
    path("revoke_token/", revoke),
    path("revoke_token", revoke),
]
