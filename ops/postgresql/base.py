"""Django's PostgreSQL backend, with a health check that costs no round trip when there is
nothing to check.

With CONN_HEALTH_CHECKS, Django asks a reused connection `SELECT 1` before each request's
first query: a second round trip to the database on a download, whose whole work is one query.
An idle connection has nothing to say. When the server closes it (a restart, an idle timeout,
`pg_terminate_backend`), its socket becomes readable: the server's goodbye, or the end of the
stream. So the socket is polled first, without waiting, and only a connection with something
waiting on it is asked, as Django asks. What this cannot see, a peer gone without a word, Django's
`SELECT 1` could only have waited on until the socket timed out.
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        if self.connection is None or self.connection.closed or self.connection.broken:
            return False
        if not self._has_unread_data():
            return True
        return super().is_usable()

    def _has_unread_data(self) -> bool:
        try:
            poller = select.poll()
            poller.register(self.connection.fileno(), select.POLLIN)
            return bool(poller.poll(0))
        except (OSError, ValueError):  # a closed socket: let Django's check decide
            return True
