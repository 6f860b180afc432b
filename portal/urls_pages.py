"""The portal's pages: her pregnancies, the record in plain language, her birth plan, who looked."""

from django.urls import path

from .views import (
    access_log,
    access_question,
    birth_plan,
    birth_plan_steps,
    notifications,
    offline,
    overview,
    pregnancy,
)

urlpatterns = [
    path("", overview.home, name="home"),
    path("notifications/", notifications.notifications, name="notifications"),
    path("manifest.webmanifest", offline.manifest, name="manifest"),
    path("sw.js", offline.service_worker, name="service-worker"),
    path("offline/", offline.not_saved, name="offline"),
    path("pregnancies/<uuid:record_id>/", pregnancy.pregnancy, name="pregnancy"),
    path("pregnancies/<uuid:record_id>/access-log/", access_log.access_log, name="access-log"),
    path(
        "pregnancies/<uuid:record_id>/access-log/ask/",
        access_question.access_question,
        name="access-question",
    ),
    path("pregnancies/<uuid:record_id>/birth-plan/", birth_plan.birth_plan, name="birth-plan"),
    path(
        "pregnancies/<uuid:record_id>/birth-plan/step/<int:step>/",
        birth_plan_steps.birth_plan_step,
        name="birth-plan-step",
    ),
    path(
        "pregnancies/<uuid:record_id>/birth-plan/whole/",
        birth_plan_steps.birth_plan_summary,
        name="birth-plan-summary",
    ),
]
