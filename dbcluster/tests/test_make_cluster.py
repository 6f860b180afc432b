"""`make cluster` and `make cluster-stop` as a developer types them (`python -m dbcluster start|stop`): it
starts, prints settings that work, and stops leaving no process and no directory behind."""

import re
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings

pytestmark = [pytest.mark.cluster, pytest.mark.postgres]


def dbcluster(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dbcluster", *args],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=240,
    )


def processes_under(directory) -> list[str]:
    found = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout.splitlines()
    return [line for line in found if str(directory) in line]


def test_make_cluster_prints_settings_that_reach_the_primary_and_a_replica_and_stop_leaves_nothing():
    # Not pytest's tmp_path: its parents are closed to others, and every part of the cluster runs as postgres.
    directory = Path(tempfile.mkdtemp(prefix="make-cluster-"))
    started = dbcluster("start", "--dir", str(directory))
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        printed = dict(re.findall(r"export (\w+)=(\S+)", started.stdout))
        assert printed["DATABASE_POOL_MODE"] == "transaction"
        assert re.search(r"pg\d\s+leader\s+running", started.stdout)
        assert len(re.findall(r"(sync_standby|replica)\s+(running|streaming)", started.stdout)) == 2

        recovering = {}
        for name in ("DATABASE_URL", "DATABASE_REPLICA_URL", "DATABASE_DIRECT_URL"):
            connection = psycopg2.connect(printed[name], connect_timeout=5)
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_is_in_recovery()")
                    recovering[name] = cursor.fetchone()[0]
            finally:
                connection.close()
        assert recovering == {
            "DATABASE_URL": False,
            "DATABASE_REPLICA_URL": True,
            "DATABASE_DIRECT_URL": False,
        }

        again = dbcluster("start", "--dir", str(directory))
        assert again.returncode == 1 and "already" in again.stderr
    finally:
        stopped = dbcluster("stop", "--dir", str(directory))
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    assert not directory.exists()
    assert processes_under(directory) == []
