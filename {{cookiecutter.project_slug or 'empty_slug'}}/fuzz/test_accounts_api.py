"""Fuzzing allauth's API (the accounts API, /_allauth/), as test_api.py fuzzes the project's:
Schemathesis calls every operation of the specification the project serves, signed in, and no
answer may be a server error; Hypothesis sends any text, NUL characters and overlong values
included, as login, password and second-factor code, which gets a 4xx in allauth's error
format."""

from typing import Any

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from fuzz import BASE_URL, EXAMPLES, application
from {{ cookiecutter.project_slug }}.users.models import User
from {{ cookiecutter.project_slug }}.users.tests.accounts import AppClient, enrol_totp, has_totp

# Untraced by coverage (`make test`), like test_api.py: the other tests cover every line.
pytestmark = pytest.mark.no_cover

specification = schemathesis.openapi.from_dict(Client().get("/_allauth/openapi.json").json())
specification.app = application
# As a mobile app calls it: a browser client's calls end at the CSRF check without a cookie.
specification.config.update(parameters={"path.client": "app"})


@specification.parametrize()
@settings(
    max_examples=max(EXAMPLES // 3, 1),  # about 50 operations: a third of the project API's depth
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_call_to_the_accounts_api_is_a_server_error(
    case: schemathesis.Case[Any], token: str
) -> None:
    case.call_and_validate(
        base_url=BASE_URL, headers={"X-Session-Token": token}, checks=[not_a_server_error]
    )


@given(login=st.text(max_size=300), password=st.text(max_size=5000), code=st.text(max_size=80))
@settings(
    max_examples=EXAMPLES * 4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_any_input_to_the_log_in_gets_a_clear_answer(
    user: User, login: str, password: str, code: str
) -> None:
    if not has_totp(user):
        enrol_totp(user)
    for name in (login, user.get_username()):  # an unknown account and the real one
        app = AppClient()
        data = {User.USERNAME_FIELD: name, "password": password}

        answers = [app.call("POST", "/auth/login", data)]
        if app.token:  # the password was right: the second step
            answers.append(app.call("POST", "/auth/2fa/authenticate", {"code": code}))

        for answer in answers:
            assert 400 <= answer.status_code < 500, answer.content
            assert answer.json()["status"] == answer.status_code
