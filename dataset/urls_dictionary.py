"""The data dictionary, its downloads and the changelog: public, no sign-in."""

from django.urls import path
from django.views.generic import TemplateView

urlpatterns = [
    # placeholders until the dictionary lands (issue 24)
    path("", TemplateView.as_view(template_name="dataset/base.html"), name="dictionary"),
    path("changelog/", TemplateView.as_view(template_name="dataset/base.html"), name="changelog"),
]
