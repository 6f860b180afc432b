"""The change site: upcoming changes (public) and change proposals (signed in)."""

from django.urls import path
from django.views.generic import TemplateView

urlpatterns = [
    # placeholders until the change site lands (issue 24)
    path("upcoming/", TemplateView.as_view(template_name="dataset/base.html"), name="upcoming"),
    path("proposals/", TemplateView.as_view(template_name="dataset/base.html"), name="proposals"),
]
