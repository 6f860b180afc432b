"""The spine's own JSON API, under /spine/v1/ (with or without a trailing slash: spine/routes.py)."""

from django.urls import re_path

from .routes import api_path
from .views.delivery import DeliveryView
from .views.events import EventFeedView
from .views.records_list import RecordListView
from .views.subscriptions import (
    SubscriptionListView,
    SubscriptionPauseView,
    SubscriptionRedeliverView,
    SubscriptionResumeView,
    SubscriptionView,
)
from .views.unknown import UnknownEndpointView

subscription = "subscriptions/<str:subscription_id>"

urlpatterns = [
    *api_path("records", RecordListView.as_view(), name="spine-records"),
    *api_path("records/<str:record_id>/delivery", DeliveryView.as_view(), name="spine-record-delivery"),
    *api_path("events", EventFeedView.as_view(), name="spine-events"),
    *api_path("subscriptions", SubscriptionListView.as_view(), name="spine-subscriptions"),
    *api_path(subscription, SubscriptionView.as_view(), name="spine-subscription"),
    *api_path(f"{subscription}/pause", SubscriptionPauseView.as_view(), name="spine-subscription-pause"),
    *api_path(f"{subscription}/resume", SubscriptionResumeView.as_view(), name="spine-subscription-resume"),
    *api_path(
        f"{subscription}/redeliver", SubscriptionRedeliverView.as_view(), name="spine-subscription-redeliver"
    ),
    re_path(r"^.*$", UnknownEndpointView.as_view()),
]
