"""The data dictionary, its downloads and the changelog: public, no sign-in."""

from django.urls import path

from .views.changelog import changelog_page
from .views.dictionary import dictionary_csv, dictionary_json, dictionary_page

urlpatterns = [
    path("", dictionary_page, name="dictionary"),
    path("dictionary.json", dictionary_json, name="dictionary-json"),
    path("dictionary.csv", dictionary_csv, name="dictionary-csv"),
    path("changelog/", changelog_page, name="changelog"),
]
