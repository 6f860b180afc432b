"""Postnatal visits of the mother and of each baby (the record page's sections link here)."""

from django.urls import path

from .views import postnatal

MOTHER = "records/<uuid:record_id>/postnatal/mother/"
BABY = "records/<uuid:record_id>/postnatal/baby/"

urlpatterns = [
    path(f"{MOTHER}new/", postnatal.mother_visit, name="postnatal-mother-add"),
    path(f"{MOTHER}<uuid:item_id>/", postnatal.mother_visit, name="postnatal-mother-edit"),
    path(f"{BABY}new/", postnatal.baby_visit, name="postnatal-baby-add"),
    path(f"{BABY}<uuid:item_id>/", postnatal.baby_visit, name="postnatal-baby-edit"),
]
