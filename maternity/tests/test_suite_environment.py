"""The suite passes the same on every machine: whatever the developer's shell exports, the tests see the
production settings pyproject.toml gives them. The database is the one choice left to her: DATABASE_URL
(SQLite without it, PostgreSQL with it), DATABASE_POOL_MODE, which says what DATABASE_URL is
(`transaction`: PgBouncer in transaction mode in front of PostgreSQL), and DATABASE_DIRECT_URL, the same
primary without the pooler (for LISTEN). Tests that need PostgreSQL say so and
skip on SQLite."""

import os
import re
import subprocess
import sys
import tomllib

import pytest
from django.conf import settings
from django.db import connection

BASE_DIR = settings.BASE_DIR
# Which database, what it is (a transaction pooler?), and how to reach its primary unpooled.
LEFT_TO_THE_DEVELOPER = {"DATABASE_URL", "DATABASE_POOL_MODE", "DATABASE_DIRECT_URL"}
READ = re.compile(r"""(?:\benv[a-z]*\(|os\.environ\.get\(|os\.environ\[)\s*["']([A-Z][A-Z0-9_]*)["']""")


def variables_the_settings_read() -> set[str]:
    return set(READ.findall((BASE_DIR / "config" / "settings.py").read_text()))


def variables_the_suite_fixes() -> set[str]:
    """The variables pyproject.toml's pytest section sets or unsets (`NAME=value`, `U:NAME`, `D:NAME=v`)."""
    with open(BASE_DIR / "pyproject.toml", "rb") as file:
        env = tomllib.load(file)["tool"]["pytest"]["ini_options"]["env"]
    return {entry.split("=", 1)[0].split(":")[-1] for entry in env}


def test_every_variable_the_settings_read_is_set_or_unset_by_the_suite():
    read = variables_the_settings_read()
    assert "DJANGO_DEBUG" in read and "REDIS_URL" in read  # the pattern finds them at all
    missing = read - variables_the_suite_fixes() - LEFT_TO_THE_DEVELOPER
    assert not missing, (
        f"Add these to pyproject.toml's pytest env (a test value, or U: to unset): {sorted(missing)}"
    )


def test_the_database_its_pool_mode_and_its_direct_url_are_the_choices_left_to_the_developer():
    assert variables_the_settings_read() >= LEFT_TO_THE_DEVELOPER
    assert not LEFT_TO_THE_DEVELOPER & variables_the_suite_fixes()


def test_a_developers_shell_cannot_switch_the_tests_to_development_settings():
    hostile = {
        "DJANGO_DEBUG": "1",
        "DJANGO_SECURE_SSL_REDIRECT": "1",
        "DJANGO_ALLOWED_HOSTS": "example.org",
        "DJANGO_SESSION_IDLE_SECONDS": "5",
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "OIDC_RP_CLIENT_ID": "someone-elses-client",
        "RATE_LIMIT_LOGIN_USERNAME": "1/h",
        "DATABASE_REPLICA_URL": "postgres://nobody@127.0.0.1:1/elsewhere",
        "DJANGO_SETTINGS_MODULE": "no.such.settings",
    }
    # On SQLite: a second pytest on this PostgreSQL would make (and drop) the running suite's test database.
    env = {**{k: v for k, v in os.environ.items() if k not in LEFT_TO_THE_DEVELOPER}, **hostile}
    tests = ["maternity/tests/security/test_cookies.py", "maternity/tests/security/test_headers.py"]
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert re.search(r"\d+ passed", run.stdout) and "failed" not in run.stdout


@pytest.mark.postgres
def test_a_postgresql_test_is_skipped_on_sqlite_with_its_reason():
    # Reaching this line on SQLite would mean the `postgres` mark no longer skips (conftest.py).
    assert connection.vendor == "postgresql"
