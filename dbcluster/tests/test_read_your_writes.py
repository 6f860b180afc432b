"""Reads that tolerate lag go to a replica, and nobody reads an older version than they wrote: shown with
both replicas held behind on purpose (WAL replay paused: they still receive and flush WAL, so synchronous
commits go on, but what they serve stops moving)."""

import random
import time
from contextlib import contextmanager

import pytest

from loadtools.client import ApiClient, token_fetch
from loadtools.scenarios import resource_body
from loadtools.verify import feed_cursor_now
from spine.services import spine_client_create

from .conftest import PIN_SECONDS

pytestmark = [pytest.mark.cluster, pytest.mark.postgres]


@contextmanager
def replicas_held_back(cluster):
    """Both replicas' replay paused, in Patroni's maintenance mode (else Patroni resumes it within a second).
    A test before may have killed the primary: the old one must be back as a replica first."""
    cluster.wait_for(
        lambda: len(cluster.replicas()) == 2 and cluster.replicas_caught_up(), "two replicas", 90
    )
    held = cluster.replicas()
    cluster.set_maintenance(True)
    try:
        for node in held:
            cluster.set_replay(node, paused=True)
        yield
    finally:
        for node in held:
            cluster.set_replay(node, paused=False)
        cluster.set_maintenance(False)


def mother_version(client: ApiClient, record) -> int:
    response = client.request("GET", f"record/{record.record_id}", nin=record.nin)
    assert response.status_code == 200, response.text
    return response.json()["mother"]["metadata"]["version"]


def put_mother(client: ApiClient, record, version: int) -> int:
    body = {"metadata": {"version": version}, **resource_body("mother", "ryw", random.Random(1))}
    response = client.request("PUT", f"record/{record.record_id}/mother", nin=record.nin, json=body)
    assert response.status_code == 200, response.text
    return response.json()["metadata"]["version"]


def events_after(client: ApiClient, cursor: str) -> set[str]:
    """The ids of the events this client's feed shows past `cursor` (one it was given)."""
    response = client.request("GET", "/spine/v1/events", params={"after": cursor, "limit": 100})
    assert response.status_code == 200, response.text
    return {event["eventId"] for event in response.json()["events"]}


def primary_audit_count(cluster, database: str) -> int:
    connection = cluster.connect(cluster.ports.haproxy_primary, database)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM maternity_accesslog")
            return cursor.fetchone()[0]
    finally:
        connection.close()


def test_a_client_reads_its_own_write_while_the_replicas_lag_and_others_read_the_replica(
    db_cluster, load_data, app_on_cluster
):
    reader_system = spine_client_create(care_location=load_data.location, name="Reading EPJ")
    writer = ApiClient(
        app_on_cluster.url, token_fetch(app_on_cluster.url, load_data.client_id, load_data.client_secret)
    )
    reader = ApiClient(
        app_on_cluster.url,
        token_fetch(app_on_cluster.url, reader_system.client_id, reader_system.client_secret),
    )
    record = load_data.records[0]
    before = mother_version(reader, record)
    database = db_cluster_database(app_on_cluster)

    with replicas_held_back(db_cluster):
        # Each client's feed cursor (they are its own), now that the replicas have replayed everything.
        cursors = {writer: feed_cursor_now(writer), reader: feed_cursor_now(reader)}
        written = put_mother(writer, record, before)
        assert written == before + 1

        # The writer is pinned to the primary: its next reads see its write, in the record and the feed.
        assert mother_version(writer, record) == written
        assert events_after(writer, cursors[writer])

        # Another client is not: it reads the replica, which has not replayed the write yet.
        audits = primary_audit_count(db_cluster, database)
        assert mother_version(reader, record) == before
        assert events_after(reader, cursors[reader]) == set()
        # Its reads were audited all the same: audit entries are written to the primary.
        assert primary_audit_count(db_cluster, database) >= audits + 2

        # The pin lasts DATABASE_PRIMARY_PIN_SECONDS: longer than a healthy replica's lag (milliseconds),
        # not for ever. Past it, the writer reads the replica again (here still held back).
        time.sleep(PIN_SECONDS + 0.5)
        assert mother_version(writer, record) == before

    # Replay goes on: every reader sees the write within moments.
    deadline = time.monotonic() + 20
    while mother_version(reader, record) != written:
        assert time.monotonic() < deadline, "the replicas did not catch up"
        time.sleep(0.2)


def test_a_pin_is_the_writers_own_and_moves_no_other_callers_reads_to_the_primary(
    db_cluster, load_data, app_on_cluster
):
    """Pins are per caller: a client system's write does not move another caller's reads to the primary."""
    writer = ApiClient(
        app_on_cluster.url, token_fetch(app_on_cluster.url, load_data.client_id, load_data.client_secret)
    )
    record = load_data.records[1]
    version = mother_version(writer, record)
    with replicas_held_back(db_cluster):
        put_mother(writer, record, version)
        other_system = spine_client_create(care_location=load_data.location, name="Other EPJ")
        other = ApiClient(
            app_on_cluster.url,
            token_fetch(app_on_cluster.url, other_system.client_id, other_system.client_secret),
        )
        assert mother_version(other, record) == version  # from a replica: the token itself was found at once
        assert mother_version(writer, record) == version + 1


def db_cluster_database(server) -> str:
    return server.database_url.rsplit("/", 1)[-1]
