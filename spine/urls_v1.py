"""The spine's own JSON API, under /spine/v1/."""

from django.urls import path

from .views.events import EventFeedView
from .views.records_list import RecordListView
from .views.subscriptions import (
    SubscriptionListView,
    SubscriptionPauseView,
    SubscriptionRedeliverView,
    SubscriptionResumeView,
    SubscriptionView,
)

subscription = "subscriptions/<str:subscription_id>"

urlpatterns = [
    path("records", RecordListView.as_view(), name="spine-records"),
    path("events", EventFeedView.as_view(), name="spine-events"),
    path("subscriptions", SubscriptionListView.as_view(), name="spine-subscriptions"),
    path(subscription, SubscriptionView.as_view(), name="spine-subscription"),
    path(f"{subscription}/pause", SubscriptionPauseView.as_view(), name="spine-subscription-pause"),
    path(f"{subscription}/resume", SubscriptionResumeView.as_view(), name="spine-subscription-resume"),
    path(
        f"{subscription}/redeliver", SubscriptionRedeliverView.as_view(), name="spine-subscription-redeliver"
    ),
]
