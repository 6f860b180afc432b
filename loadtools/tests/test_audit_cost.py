"""The audit chain's cost per insert (loadtools/audit_cost.py, printed by `manage.py benchmark_http`): it
times the same audit insert with the chain and without it, by one writer and by several, and leaves the
trail whole (the entries written without the chain are removed again)."""

from io import StringIO

import pytest
from django.core.management import call_command

from loadtools.audit_cost import MARK, audit_insert_cost
from maternity.models import AccessLog

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("writers", [1, 3])
def test_it_times_chained_and_plain_inserts_side_by_side_and_leaves_the_chain_whole(writers):
    cost = audit_insert_cost(writers=writers, inserts=20, rounds=2)

    assert cost.writers == writers
    assert cost.chained_ms > 0 and cost.unchained_ms > 0 and cost.ratio > 0
    assert cost.chained_per_s > 0 and cost.unchained_per_s > 0
    assert not AccessLog.objects.filter(detail=MARK).exists()
    assert AccessLog.objects.filter(chain__isnull=False).count() == writers * (2 + 2 * 20)
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "none broken" in out.getvalue()
