"""Marking the pregnant person's birth plan as read."""

from django.urls import path

from .views import birth_plan

urlpatterns = [
    path("records/<uuid:record_id>/birth-plan/read/", birth_plan.birth_plan_read, name="birth-plan-read"),
]
