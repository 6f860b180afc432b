"""One webhook message: a batch of events, signed per the Standard Webhooks spec.

Headers `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature` (`v1,<base64 HMAC-SHA256
of "id.timestamp.body">`), made with the `standardwebhooks` library that receivers verify with.

`webhook-id` names the batch: subscription, epoch (bumped by each redelivery) and the range of positions
(after, through]. A retry sends the same range, so it has the same id and a receiver can deduplicate on
it; each event inside also carries its own stable `eventId`.
"""

import json
from dataclasses import dataclass
from datetime import datetime

from standardwebhooks import Webhook

from maternity.models import RecordEvent

from ..event_cursors import cursor_for
from ..models import WebhookSubscription
from ..serializers.events import event_json
from ..serializers.metadata import timestamp
from .signing_keys import unseal

EVENT_TYPE = "record.changed"


@dataclass(frozen=True)
class Message:
    id: str
    body: str
    headers: dict[str, str]


def message_id(subscription: WebhookSubscription, *, after: int, through: int) -> str:
    return f"msg_{subscription.id.hex}_{subscription.epoch}_{after}_{through}"


def signed_message(
    subscription: WebhookSubscription, events: list[RecordEvent], *, through: int, now: datetime
) -> Message:
    msg_id = message_id(subscription, after=subscription.cursor, through=through)
    body = json.dumps(
        {
            "type": EVENT_TYPE,
            "timestamp": timestamp(now),
            "data": {
                "subscriptionId": str(subscription.id),
                "events": [event_json(event) for event in events],
                "cursor": cursor_for(subscription.client, through),
            },
        },
        separators=(",", ":"),
    )
    signature = Webhook(unseal(subscription.sealed_secret)).sign(msg_id, now, body)
    return Message(
        id=msg_id,
        body=body,
        headers={
            "content-type": "application/json",
            "user-agent": "maternity-spine-webhooks/1",
            "webhook-id": msg_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": signature,
        },
    )
