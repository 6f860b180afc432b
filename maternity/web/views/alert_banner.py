"""The record page's "Needs attention" banner: the record's current alerts, severe first, each with its
"Acknowledge" form, and the acknowledged ones with who, when and what was done, until a new reading
raises them again. Read from the record the page has already loaded (every list prefetched), so the
banner adds no query."""

from django.utils import timezone

from maternity.reads.alerts import record_alerts

from ... import services
from ...actors import Actor
from ...errors import NotAllowed
from ...models import Pregnancy

RESOURCE_TYPE = "alertAcknowledgements"


def alert_banner(record: Pregnancy, actor: Actor) -> dict:
    alerts = record_alerts(record, now=timezone.now())
    try:
        services.resource_write_check(
            record=record, resource_type=RESOURCE_TYPE, actor=actor, adding=True, through_service=True
        )
        can_acknowledge = True
    except NotAllowed:
        can_acknowledge = False
    return {
        "alerts": alerts,
        "alerts_open": sum(1 for alert in alerts if not alert.acknowledged),
        "can_acknowledge": can_acknowledge,
    }
