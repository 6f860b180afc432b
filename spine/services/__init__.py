"""The only write path for client systems and their webhook subscriptions."""

from .clients import NewClient, spine_client_create
from .subscriptions import (
    NewSubscription,
    subscription_create,
    subscription_delete,
    subscription_pause,
    subscription_redeliver,
    subscription_resume,
)

__all__ = [
    "NewClient",
    "NewSubscription",
    "spine_client_create",
    "subscription_create",
    "subscription_delete",
    "subscription_pause",
    "subscription_redeliver",
    "subscription_resume",
]
