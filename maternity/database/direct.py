"""Connections that need a session of their own on the primary, not one transaction on a pooled connection:
LISTEN (the webhook workers), session-level locks and settings, migrations.

Behind PgBouncer in transaction mode (DATABASE_POOL_MODE=transaction) each transaction may run on another
server connection, so such work connects to DATABASE_DIRECT_URL, which reaches the current primary directly.
Without a pooler DATABASE_URL reaches it already.
"""

from typing import Any

import dj_database_url
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

# DATABASE_DIRECT_URL's parts that say where and as whom to connect, by Django's name and libpq's.
WHERE_AND_WHO = {"HOST": "host", "PORT": "port", "USER": "user", "PASSWORD": "password"}


def direct_connection_params(database: BaseDatabaseWrapper | None = None) -> dict[str, Any]:
    """psycopg2.connect()'s arguments for a session on the primary: "default"'s (or `database`'s), with its
    database name (the tests' test_... one) and options, and with host, port, user and password from
    DATABASE_DIRECT_URL when that is set (what the URL leaves out is left to libpq: ~/.pgpass, PG* variables).
    """
    params = dict((database or connections[DEFAULT_DB_ALIAS]).get_connection_params())
    if settings.DATABASE_DIRECT_URL:
        direct = dj_database_url.parse(settings.DATABASE_DIRECT_URL)
        for django_name, libpq_name in WHERE_AND_WHO.items():
            params.pop(libpq_name, None)
            if direct.get(django_name):
                params[libpq_name] = direct[django_name]  # type: ignore[literal-required]
    return params


def session_available() -> bool:
    """Whether `direct_connection_params()` reach a session of their own: not through a transaction pooler,
    or DATABASE_DIRECT_URL set."""
    return settings.DATABASE_POOL_MODE != "transaction" or bool(settings.DATABASE_DIRECT_URL)
