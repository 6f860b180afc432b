"""Client systems and what they subscribe to."""

from .clients import SpineClient
from .subscriptions import SubscriptionState, WebhookSubscription

__all__ = ["SpineClient", "SubscriptionState", "WebhookSubscription"]
