"""The spine's own JSON API, under /spine/v1/."""

from django.urls import path

from .views.events import EventFeedView
from .views.records_list import RecordListView

urlpatterns = [
    path("records", RecordListView.as_view(), name="spine-records"),
    path("events", EventFeedView.as_view(), name="spine-events"),
]
