"""django-oauth-toolkit's token endpoints with rate limits (spine/tokens.py), under /o/ ahead of the toolkit's
own URLs, which serve the rest."""

from django.urls import path

from .tokens import RevokeTokenView, TokenView

urlpatterns = [
    path("token/", TokenView.as_view()),
    path("revoke_token/", RevokeTokenView.as_view()),
]
