"""Fuzz tests: `make fuzz` and `make test` run them (see fuzz/conftest.py)."""

import os
from collections.abc import Callable, Iterable
from typing import Any

from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

# Generated examples per API operation; the Makefile passes its FUZZ_EXAMPLES.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))

# Schemathesis calls the project in-process, as this WSGI app.
BASE_URL = "http://testserver"
# One handler for every request, as a server has: building one loads the middleware anew.
handler = get_wsgi_application()


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """The project as a WSGI app that leaves the test's database connection open between
    requests, as Django's test client does: a request's end normally closes old connections."""
    # A server always says who is calling; without it allauth refuses the call (403) before it
    # reads the input that the fuzz tests generate.
    environ.setdefault("REMOTE_ADDR", "127.0.0.1")
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = handler(environ, start_response)
        try:
            return [b"".join(response)]
        finally:
            response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
