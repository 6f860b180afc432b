"""The record pages explain a refusal before anyone types, and the write gate decides it: the page asks the
service's one check (`services.resource_write_check`), so the two cannot disagree about who may write."""

from datetime import timedelta

import pytest
from django.utils import timezone

from maternity import services
from maternity.errors import NotAllowed
from maternity.models import StakeholderReason
from maternity.rules.resources import RESOURCE_TYPES
from maternity.web.views.record import write_refusal

pytestmark = pytest.mark.django_db


def gate_refuses(record, rt, actor, *, adding) -> str | None:
    try:
        services.resource_write_check(record=record, resource_type=rt.name, actor=actor, adding=adding)
    except NotAllowed as refusal:
        return refusal.rule
    return None


def every_case(record, actors):
    for actor in actors:
        for rt in RESOURCE_TYPES.values():
            for adding in (False, True):
                yield actor, rt, adding


def test_the_page_refuses_exactly_what_the_gate_refuses_and_says_which_rule(
    record, actor_a, actor_b, location_b
):
    services.stakeholder_grant(record=record, care_location=location_b, reason=StakeholderReason.API_ACCESS)
    seen = set()
    for stage in ("active", "delivered"):
        if stage == "delivered":
            services.record_status_update(
                record_id=record.pk,
                version=1,
                status="DELIVERED",
                delivery_date=timezone.now() - timedelta(hours=1),
                live_birth=True,
                actor=actor_a,
            )
            record.refresh_from_db()
        for actor, rt, adding in every_case(record, [actor_a, actor_b]):
            rule = gate_refuses(record, rt, actor, adding=adding)
            refusal = write_refusal(record, rt, actor, adding=adding)
            assert (refusal.kind if refusal else None) == rule, (stage, actor.care_location, rt.name, adding)
            seen.add(rule)

    assert seen == {None, "writer", "read-only", "key-demographics", "after-delivery"}  # every rule was tried


def test_a_birth_on_an_active_record_is_refused_by_the_gate_for_the_api_and_the_page_alike(record, actor_a):
    births = RESOURCE_TYPES["births"]
    assert gate_refuses(record, births, actor_a, adding=True) == "after-delivery"
    assert write_refusal(record, births, actor_a, adding=True).status == 409
    with pytest.raises(NotAllowed):
        services.resource_create(
            record_id=record.pk, resource_type="births", data={"live_birth": True}, actor=actor_a
        )
