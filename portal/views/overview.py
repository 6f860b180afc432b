"""Her pregnancies: the current one first, then earlier ones (delivered or ended), the latest first. A
record entered in error is not hers to follow (it may even have been made under the wrong person), so it is
not listed."""

from dataclasses import dataclass

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from maternity.models import AccessAction, Pregnancy, RecordStatus
from maternity.reads.access import visible_records

from .. import plain_language as words
from ..acting import patient_view


@dataclass(frozen=True)
class PregnancyCard:
    record: Pregnancy
    gestation: dict | None  # {"words", "short"} for the current pregnancy
    to_go: str
    outcome: str


def her_pregnancies(actor):
    """Her records that are hers to follow, with what the overview shows of each, in one query."""
    return (
        visible_records(actor)
        .exclude(status=RecordStatus.ENTERED_IN_ERROR)
        .select_related("active_care_location")
        .order_by("-created_at", "-pk")
    )


def ended_at(record: Pregnancy):
    return record.delivery_date or record.termination_date or record.created_at


@require_safe
@patient_view(AccessAction.LIST)
def home(request):
    request.audit.person_id = request.user.person.pk
    today = timezone.localdate()
    current, earlier = [], []
    for record in her_pregnancies(request.actor):
        if record.is_active:
            card = PregnancyCard(
                record,
                words.gestation_today(record.agreed_edd, today),
                words.time_to_go(record.agreed_edd, today),
                "",
            )
            current.append(card)
        else:
            earlier.append(PregnancyCard(record, None, "", words.outcome_words(record)))
    earlier.sort(key=lambda card: ended_at(card.record), reverse=True)
    return render(request, "portal/home.html", {"current": current, "earlier": earlier})
