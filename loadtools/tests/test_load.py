"""A short load test over real HTTP (the CI version of `manage.py loadtest`): gunicorn on the test database,
20 client systems for 10 seconds reading and writing shared records; no 5xx, every request answered, and
every acknowledged write in the history exactly once with the data it sent. And the check itself: it does
find a write that is missing or holds another writer's data."""

import os
import random
from dataclasses import replace

import pytest
from django.db import connection

from loadtools.client import ApiClient, load_data_create, token_fetch
from loadtools.loadtest import load_run
from loadtools.scenarios import RecordClient
from loadtools.stats import Stats
from loadtools.verify import feed_cursor_now, verify

pytestmark = [
    pytest.mark.load,
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="gunicorn shares the test database"),
    pytest.mark.django_db(transaction=True),
]

CLIENTS = int(os.environ.get("LOAD_TEST_CLIENTS", 20))
SECONDS = float(os.environ.get("LOAD_TEST_SECONDS", 10))


@pytest.fixture(autouse=True)
def _fast_password_hashing():
    """Overrides the root conftest's: gunicorn checks client secrets with the production hashers, so the
    secrets made here are hashed with them too."""


def test_concurrent_clients_get_no_5xx_and_lose_no_acknowledged_write(gunicorn):
    data = load_data_create(records=4)  # 20 clients on 4 records (12 resources they PUT): writes conflict
    result = load_run(base_url=gunicorn.url, data=data, clients=CLIENTS, duration=SECONDS)
    report = "\n".join(result.report())

    assert result.failures == [], report
    statuses = result.stats.total_statuses()
    assert set(statuses) <= {200, 201, 409}, report
    assert result.conflicts > 0, report  # the run did contend: 409s, not lost updates
    assert result.verification.acknowledged >= 20, report  # and wrote enough to mean something
    assert result.verification.found_once == result.verification.acknowledged


def test_the_check_finds_a_write_missing_from_the_history_or_holding_other_data(gunicorn):
    data = load_data_create(records=1)
    record = data.records[0]
    api = ApiClient(gunicorn.url, token_fetch(gunicorn.url, data.client_id, data.client_secret))
    start = feed_cursor_now(api)
    writer = RecordClient(api=api, records=data.records, name="t", rng=random.Random(1))
    writer.put(Stats(), record, "clinicalTests")
    [written] = writer.acks
    assert verify(api, data.records, [written], start).ok

    lost = replace(written, version=written.version + 1)  # acknowledged, but never stored
    overwritten = replace(written, marker="another writer's")  # stored, but not what was acknowledged
    problems = verify(api, data.records, [lost, overwritten], start).problems
    assert any(problem.startswith("lost:") for problem in problems), problems
    assert any(problem.startswith("overwritten:") for problem in problems), problems
    assert any("came 0 times" in problem for problem in problems), problems  # nor in the event feed
