"""The record API (NHN-compatible) under /api/maternity-record/v1/. Every path answers with and without a
trailing slash (spine/routes.py)."""

from django.urls import re_path

from maternity.rules.resources import LISTS, SINGLETONS

from .routes import api_path
from .views.history import RecordHistoryView
from .views.record import (
    PatientHistoryView,
    RecordCreateView,
    RecordView,
    ResourceView,
    StatusView,
    UnknownResourceView,
    UpdateStatusView,
)
from .views.unknown import UnknownEndpointView

record = "record/<str:record_id>"

urlpatterns = [
    *api_path("status", StatusView.as_view(), name="record-status"),
    *api_path("history", PatientHistoryView.as_view(), name="patient-history"),
    *api_path("history/<str:record_id>", RecordHistoryView.as_view(), name="record-history"),
    *api_path("record", RecordCreateView.as_view(), name="record-create"),
    *api_path(record, RecordView.as_view(), name="record"),
    *api_path(f"{record}/updateStatus", UpdateStatusView.as_view(), name="record-update-status"),
]
for rt in SINGLETONS:
    urlpatterns += api_path(
        f"{record}/{rt.name}",
        ResourceView.as_view(resource_type=rt.name, http_method_names=["post", "put"]),
        name=f"resource-{rt.name}",
    )
for rt in LISTS:
    urlpatterns += [
        *api_path(
            f"{record}/{rt.name}",
            ResourceView.as_view(resource_type=rt.name, http_method_names=["post"]),
            name=f"resource-{rt.name}",
        ),
        *api_path(
            f"{record}/{rt.name}/<str:resource_id>",
            ResourceView.as_view(resource_type=rt.name, http_method_names=["put", "delete"]),
            name=f"resource-{rt.name}-item",
        ),
    ]
urlpatterns += [
    *api_path(f"{record}/<str:resource_type>", UnknownResourceView.as_view()),
    *api_path(f"{record}/<str:resource_type>/<str:resource_id>", UnknownResourceView.as_view()),
    re_path(r"^.*$", UnknownEndpointView.as_view()),
]
