"""The only write path for client systems and their webhook subscriptions."""

from .clients import (
    NewClient,
    spine_client_create,
    spine_client_deactivate,
    spine_client_rotate_secret,
    spine_client_set_filter,
    spine_client_set_token_client,
)
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
    "spine_client_deactivate",
    "spine_client_rotate_secret",
    "spine_client_set_filter",
    "spine_client_set_token_client",
    "subscription_create",
    "subscription_delete",
    "subscription_pause",
    "subscription_redeliver",
    "subscription_resume",
]
