"""The record API (NHN-compatible) under /api/maternity-record/v1/."""

from django.urls import path, re_path

from maternity.resources import LISTS, SINGLETONS

from .views.history import RecordHistoryView
from .views.record import (
    PatientHistoryView,
    RecordCreateSlashView,
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
    path("status", StatusView.as_view(), name="record-status"),
    path("history", PatientHistoryView.as_view(), name="patient-history"),
    path("history/<str:record_id>", RecordHistoryView.as_view(), name="record-history"),
    path("record", RecordCreateView.as_view(), name="record-create"),
    path("record/", RecordCreateSlashView.as_view()),
    path(record, RecordView.as_view(), name="record"),
    path(f"{record}/updateStatus", UpdateStatusView.as_view(), name="record-update-status"),
]
for rt in SINGLETONS:
    urlpatterns.append(
        path(
            f"{record}/{rt.name}",
            ResourceView.as_view(resource_type=rt.name, http_method_names=["post", "put"]),
            name=f"resource-{rt.name}",
        )
    )
for rt in LISTS:
    urlpatterns += [
        path(
            f"{record}/{rt.name}",
            ResourceView.as_view(resource_type=rt.name, http_method_names=["post"]),
            name=f"resource-{rt.name}",
        ),
        path(
            f"{record}/{rt.name}/<str:resource_id>",
            ResourceView.as_view(resource_type=rt.name, http_method_names=["put", "delete"]),
            name=f"resource-{rt.name}-item",
        ),
    ]
urlpatterns += [
    path(f"{record}/<str:resource_type>", UnknownResourceView.as_view()),
    path(f"{record}/<str:resource_type>/<str:resource_id>", UnknownResourceView.as_view()),
    re_path(r"^.*$", UnknownEndpointView.as_view()),
]
