"""Django's PostgreSQL backend, minus a `SELECT 1` per request on a busy connection.

With CONN_HEALTH_CHECKS, Django sends `SELECT 1` before the first query of every request that
reuses a connection: a round trip per request, however busy the connection. Here a connection
that served a request without error in the last TRUSTED_FOR seconds is used without that check;
one idle for longer is checked as before and replaced if dead.

Edge behaviour: a connection that the server drops within TRUSTED_FOR seconds of its last good
use fails the next request's first query (once); Django then closes it at the end of that
request, after any database error, and the next request opens a new one. The template's
integration tests prove both cases against a real PostgreSQL (pg_terminate_backend).
"""

import time
from typing import Any

from django.db.backends.postgresql import base

TRUSTED_FOR = 5.0  # seconds


class DatabaseWrapper(base.DatabaseWrapper):
    used_without_error_at = float("-inf")  # monotonic time
    used_since_last_request = False

    def create_cursor(self, name: str | None = None) -> Any:
        self.used_since_last_request = True
        return super().create_cursor(name)

    def close_if_unusable_or_obsolete(self) -> None:
        """At the start and end of each request: Django closes a broken or expired connection."""
        super().close_if_unusable_or_obsolete()
        if self.connection is not None and self.used_since_last_request:
            if not self.errors_occurred:
                self.used_without_error_at = time.monotonic()
            self.used_since_last_request = False

    def close_if_health_check_failed(self) -> None:
        if time.monotonic() - self.used_without_error_at < TRUSTED_FOR:
            self.health_check_done = True  # recently proven alive: no round trip
            return
        super().close_if_health_check_failed()
