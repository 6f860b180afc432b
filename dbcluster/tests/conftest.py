"""Cluster tests: the app on a real Patroni cluster (etcd, a primary and two replicas, HAProxy, PgBouncer in
transaction mode), started for the session in a throwaway directory and stopped at the end, also when a
test fails. They run only when asked for (`make test-cluster`, i.e. `pytest -m cluster dbcluster`).

The test process reaches the primary directly (HAProxy's primary door), as migrations and anything that
needs a session do; gunicorn serves through PgBouncer, as app servers do in production.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

from dbcluster.cluster import Cluster, missing_programs
from loadtools.client import load_data_create
from loadtools.server import GunicornServer
from loadtools.tests.run_alone import cleaned_up_on_sigterm, skip_unless_asked

HERE = Path(__file__).parent
PIN_SECONDS = 3


def pytest_collection_modifyitems(config, items):
    skip_unless_asked(
        config,
        items,
        folder=HERE,
        mark="cluster",
        reason="cluster tests run alone: make test-cluster (pytest -m cluster dbcluster)",
    )


@pytest.fixture(scope="session")
def db_cluster():
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        pytest.skip("cluster tests need PostgreSQL: set DATABASE_URL")
    if missing_programs():
        pytest.fail(f"the cluster needs Debian packages: apt-get install {' '.join(missing_programs())}")
    with cleaned_up_on_sigterm():
        cluster = Cluster.create()
        try:
            cluster.start()
            yield cluster
        finally:
            connections.close_all()
            cluster.stop()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(db_cluster, django_db_modify_db_settings_parallel_suffix):
    """The session's test database is made on the cluster's primary, reached directly."""
    settings.DATABASES["default"].update(
        HOST="127.0.0.1", PORT=str(db_cluster.ports.haproxy_primary), USER="postgres", PASSWORD=""
    )


@pytest.fixture(scope="session")
def django_db_keepdb():
    """Not dropped at the end: PgBouncer still holds server connections to it, and the whole cluster is
    thrown away a moment later."""
    return True


@pytest.fixture(autouse=True)
def _fast_password_hashing():
    """Overrides the root conftest's: gunicorn checks client secrets with the production hashers."""


@pytest.fixture
def load_data(transactional_db):
    return load_data_create(records=4)


@pytest.fixture
def app_on_cluster(db_cluster, transactional_db):
    """Gunicorn as an app server on the cluster: through PgBouncer (transaction mode), reads that tolerate
    lag from the replicas' door, LISTEN and the like directly, pins to the primary shared in Redis."""
    db_cluster.wait_for(db_cluster.replicas_caught_up, "the replicas to replay the test's data", 60)
    name = connections["default"].settings_dict["NAME"]
    urls = db_cluster.urls(name)
    env = {
        "DATABASE_POOL_MODE": urls["DATABASE_POOL_MODE"],
        "DATABASE_REPLICA_URL": urls["DATABASE_REPLICA_URL"],
        "DATABASE_DIRECT_URL": urls["DATABASE_DIRECT_URL"],
        "DATABASE_PRIMARY_PIN_SECONDS": str(PIN_SECONDS),
        "REDIS_URL": os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/0",
        "DJANGO_CACHE_KEY_PREFIX": f"cluster-test-{name}",
    }
    with GunicornServer(database_url=urls["DATABASE_URL"], workers=2, threads=4, env=env) as server:
        yield server
