"""The FHIR-shaped Spine operations, under /spine/fhir/ (with or without a trailing slash:
spine/routes.py)."""

from django.urls import re_path

from ..routes import api_path
from ..views.unknown import UnknownFhirOperationView
from .everything_view import EverythingView
from .views import CreatePregnancyView, FindAllPregnanciesView, FindPregnancyView, UpdatePregnancyView

urlpatterns = [
    *api_path("Patient/$find-pregnancy", FindPregnancyView.as_view(), name="fhir-find-pregnancy"),
    *api_path(
        "Patient/$find-all-pregnancies", FindAllPregnanciesView.as_view(), name="fhir-find-all-pregnancies"
    ),
    *api_path("Patient/$create-pregnancy", CreatePregnancyView.as_view(), name="fhir-create-pregnancy"),
    *api_path(
        "Patient/<str:record_id>/$update-pregnancy",
        UpdatePregnancyView.as_view(),
        name="fhir-update-pregnancy",
    ),
    *api_path(
        "Patient/<str:record_id>/$everything", EverythingView.as_view(), name="fhir-patient-everything"
    ),
    re_path(r"^.*$", UnknownFhirOperationView.as_view()),
]
