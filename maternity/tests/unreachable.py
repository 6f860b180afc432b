"""A database that cannot be reached, for the length of a `with` block: this process's connection settings
point at a loopback port nothing listens on, so every connection attempt is refused, as when PostgreSQL is
down. (The fault tests stop a real PostgreSQL server; this is the quick version for the default suite.)"""

import socket
from contextlib import contextmanager

from django.db import connection


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # free once the socket closes; nothing listens on it


@contextmanager
def database_unreachable():
    saved = {key: connection.settings_dict[key] for key in ("HOST", "PORT")}
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=closed_port())
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)
