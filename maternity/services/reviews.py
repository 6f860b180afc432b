"""The access review queue's write path (`maternity/models/reviews.py`)."""

from django.utils import timezone

from ..actors import Actor
from ..models import AccessReview, CareLocation, Pregnancy
from ..rules.wording import in_english


def review_item_add(
    *,
    kind: str,
    care_location: CareLocation,
    actor: Actor,
    record: Pregnancy | None = None,
    reason_code: str = "",
    reason: str = "",
    detail: str = "",
    key: str = "",
) -> AccessReview:
    """Put one access into `care_location`'s review queue (inside the caller's transaction: the access and
    its review item are written together or not at all)."""
    accessor = actor.care_location
    return AccessReview.objects.create(
        kind=kind,
        care_location=care_location,
        occurred_at=timezone.now(),
        record=record,
        user=actor.user,
        username=actor.user.get_username() if actor.user else "",
        acting_user_name=actor.name[:200],
        accessor_location=accessor,
        accessor_org_name=accessor.name if accessor else "",
        client_id=actor.client_id,
        reason_code=reason_code,
        reason=reason,
        detail=str(in_english(detail)),
        request_id=actor.request_id,
        key=key,
    )
