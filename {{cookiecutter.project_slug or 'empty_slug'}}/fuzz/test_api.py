"""Property-based API fuzzing: Schemathesis generates requests from the OpenAPI schema.

Every operation, called by a signed-in user (staff for the staff-only list of users) with
generated (valid and invalid) input, must never answer with a server error, and every documented
response must match its schema. Each operation gets Schemathesis' boundary and invalid values of
every parameter, then FUZZ_EXAMPLES (15) generated requests. `make test` (part of `make gate`)
and `make fuzz` run it; the quick loop (`uv run pytest`) leaves fuzz/ out: with its plugins it
would take a third of the loop's time.
"""

import json
from typing import Any

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.renderers import JSONRenderer
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from fuzz import BASE_URL, EXAMPLES, application
{%- if cookiecutter.include_example_app %}
from {{ cookiecutter.project_slug }}.projects.tests.factories import LabelFactory, ProjectFactory, TaskFactory
from {{ cookiecutter.project_slug }}.users.models import User
{%- endif %}

# Untraced by coverage (`make test`): tracing doubled its time; the other tests cover every line.
pytestmark = pytest.mark.no_cover


# The schema the project serves at /api/schema/, generated in-process, called in-process.
generator = SchemaGenerator()  # type: ignore[no-untyped-call]  # drf-spectacular has no types
openapi = generator.get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
schema = schemathesis.openapi.from_dict(json.loads(JSONRenderer().render(openapi)))
schema.app = application
schema.config.phases.coverage.enabled = True  # the boundary values: most of its 15 s of CPU
{%- if cookiecutter.include_example_app %}
# Every {id} in a path names the signed-in user's own project and task (`records`), so that calls
# get past the lookup to the serializers and actions, instead of a 404 for an id nobody has.
RECORD_ID = 1000
schema.config.update(parameters={"path.id": RECORD_ID})


@pytest.fixture(autouse=True)
def records(user: User) -> None:
    project = ProjectFactory.create(pk=RECORD_ID, owner=user)
    TaskFactory.create(pk=RECORD_ID, project=project, labels=[LabelFactory.create(owner=user)])
{%- endif %}


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
STAFF_ONLY = {"method": "GET", "path": "/api/users/"}  # the list of users


def call(case: schemathesis.Case[Any], token: str) -> None:
    case.call_and_validate(
        base_url=BASE_URL,
        headers={"X-Session-Token": token},
        checks=[not_a_server_error, response_schema_conformance],
    )


@schema.exclude(**STAFF_ONLY).parametrize()
@FUZZ
def test_api_never_fails_and_keeps_its_schema(case: schemathesis.Case[Any], token: str) -> None:
    call(case, token)


@schema.include(**STAFF_ONLY).parametrize()
@FUZZ
def test_staff_only_operations_never_fail_for_staff(
    case: schemathesis.Case[Any], staff_token: str
) -> None:
    call(case, staff_token)
