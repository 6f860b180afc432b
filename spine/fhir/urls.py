"""The FHIR-shaped Spine operations, under /spine/fhir/."""

from django.urls import path

from .views import CreatePregnancyView, FindAllPregnanciesView, FindPregnancyView, UpdatePregnancyView

urlpatterns = [
    path("Patient/$find-pregnancy", FindPregnancyView.as_view(), name="fhir-find-pregnancy"),
    path("Patient/$find-all-pregnancies", FindAllPregnanciesView.as_view(), name="fhir-find-all-pregnancies"),
    path("Patient/$create-pregnancy", CreatePregnancyView.as_view(), name="fhir-create-pregnancy"),
    path(
        "Patient/<str:record_id>/$update-pregnancy",
        UpdatePregnancyView.as_view(),
        name="fhir-update-pregnancy",
    ),
]
