"""The suite's API and page tests, run again with the app reaching PostgreSQL through PgBouncer in
transaction mode (the cluster's primary door), as a pooled deployment does: no server-side cursor, no
prepared statement and no session state may outlive a transaction, and the webhook worker LISTENs on the
direct URL. A second pytest does it, so these tests run exactly as they do in `make test`."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = [pytest.mark.cluster, pytest.mark.postgres]

# The API (spine), the midwives' pages and the portal's pages, in a real browser, and the data set's pages
# and change site (its writes lock a proposal's row and email after the commit). Not the fault tests (they
# run a PostgreSQL of their own) nor the fuzzing (a schema check, not a database one).
SELECTED = [
    "spine/tests",
    "maternity/tests/browser",
    "dataset/tests",
    *sorted(
        str(path.relative_to(settings.BASE_DIR))
        for path in settings.BASE_DIR.glob("portal/tests/*_browser.py")
    ),
]
DESELECTED = ["spine/tests/faults", "spine/tests/fuzz"]


def test_the_api_and_page_tests_pass_through_pgbouncer_in_transaction_mode(db_cluster, capsys):
    db_cluster.create_database("maternity_pooled")
    urls = db_cluster.urls("maternity_pooled")
    env = {
        **os.environ,
        "DATABASE_URL": urls["DATABASE_URL"],
        "DATABASE_POOL_MODE": urls["DATABASE_POOL_MODE"],
        "DATABASE_DIRECT_URL": urls["DATABASE_DIRECT_URL"],
    }
    command = [
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
        "--reuse-db",  # the test database stays: PgBouncer's server connections would stop a DROP
        *SELECTED, *(f"--ignore={path}" for path in DESELECTED),
    ]  # fmt: skip
    run = subprocess.run(
        command, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=2400
    )
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else "(no output)"
    with capsys.disabled():
        print(
            "\nthrough PgBouncer (spine/tests, maternity/tests/browser, dataset/tests, portal's browser "
            f"tests): {summary}"
        )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
    assert re.search(r"\d+ passed", summary) and "failed" not in summary and "error" not in summary
