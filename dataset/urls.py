"""The data set's pages under /data-set/: the dictionary and changelog (public), and the change site
(upcoming changes public; proposals for signed-in professionals and administrators)."""

from django.urls import include, path

app_name = "dataset"

urlpatterns = [
    path("", include("dataset.urls_dictionary")),
    path("", include("dataset.urls_proposals")),
]
