"""Django's PostgreSQL backend, with one change: the health check of a kept connection costs no round trip.

With persistent connections, Django checks a connection before a request first uses it
(`CONN_HEALTH_CHECKS`) by sending `SELECT 1`: one more round trip on every request, as many as the record
read's own work. A server that ends a connection (a restart, a failover, `pg_terminate_backend`, an idle
timeout) tells the client so before it closes the socket, and an idle connection otherwise receives
nothing. So the check first asks the operating system whether anything has arrived on the idle connection:
nothing means the server has not ended it, and it is used as it is; anything (a termination notice, the
end of the stream, a notice) and Django's own `SELECT 1` decides. A host that vanished without a word
leaves the socket silent; `SELECT 1` would then wait just as the request's own first query does.
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        if self.connection is None or self.connection.closed:
            return False
        try:
            poller = select.poll()  # not select.select: file descriptors above 1024 are fine
            poller.register(self.connection.fileno(), select.POLLIN | select.POLLPRI)
            arrived = poller.poll(0)
        except (OSError, ValueError):
            return False
        if not arrived:
            return True
        return super().is_usable()
