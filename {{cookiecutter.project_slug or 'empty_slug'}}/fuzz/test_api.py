"""Property-based API fuzzing: Schemathesis generates requests from the OpenAPI schema.

Every operation, called by a signed-in user with generated (valid and invalid) input, must never
answer with a server error, and every documented response must match its schema. Each operation
gets Schemathesis' boundary and invalid values of every parameter, then FUZZ_EXAMPLES (15)
generated requests. `make test` (part of `make gate`) and `make fuzz` run it; the quick loop
(`uv run pytest`) leaves fuzz/ out: with its plugins it would take a third of the loop's time.
"""

import json
from collections.abc import Callable, Iterable
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.renderers import JSONRenderer
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from fuzz import EXAMPLES
from {{ cookiecutter.project_slug }}.users.models import User
from {{ cookiecutter.project_slug }}.users.tests.accounts import AppClient

BASE_URL = "http://testserver"

# Untraced by coverage (`make test`): tracing doubled its time; the other tests cover every line.
pytestmark = pytest.mark.no_cover


# One handler for every request, as a server has: building one loads the middleware anew.
handler = get_wsgi_application()


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """The project as a WSGI app that leaves the test's database connection open between
    requests, as Django's test client does: a request's end normally closes old connections."""
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


# The schema the project serves at /api/schema/, generated in-process, called in-process.
generator = SchemaGenerator()  # type: ignore[no-untyped-call]  # drf-spectacular has no types
openapi = generator.get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
schema = schemathesis.openapi.from_dict(json.loads(JSONRenderer().render(openapi)))
schema.app = application
schema.config.phases.coverage.enabled = True  # the boundary values: most of its 15 s of CPU


@pytest.fixture
def token(user: User) -> str:
    """An allauth session token, as a mobile app holds after logging in."""
    app = AppClient()
    app.log_in(user)
    assert app.token
    return app.token


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_never_fails_and_keeps_its_schema(case: schemathesis.Case[Any], token: str) -> None:
    case.call_and_validate(
        base_url=BASE_URL,
        headers={"X-Session-Token": token},
        checks=[not_a_server_error, response_schema_conformance],
    )
