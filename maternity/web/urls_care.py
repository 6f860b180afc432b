"""Status changes, pulling active care, and the record's access log."""

from django.urls import path

from .views import care, delivery

urlpatterns = [
    path("records/<uuid:record_id>/status/", care.status_change, name="status"),
    path("records/<uuid:record_id>/delivery/", delivery.delivery, name="delivery"),
    path("records/<uuid:record_id>/pull-care/", care.pull_care, name="pull-care"),
    path("records/<uuid:record_id>/access-log/", care.access_log, name="access-log"),
]
