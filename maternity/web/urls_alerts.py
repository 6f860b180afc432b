"""Acknowledging a record's alerts, and the midwife's task list."""

from django.urls import path

from .views import alerts, tasks

urlpatterns = [
    path("tasks/", tasks.tasks, name="tasks"),
    path("records/<uuid:record_id>/alerts/acknowledge/", alerts.acknowledge, name="alert-acknowledge"),
]
