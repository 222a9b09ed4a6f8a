"""Fuzzing the log-in of allauth's API (beside Schemathesis' fuzz of the project's API,
test_api.py): any text, NUL characters and overlong values included, as login, password and
second-factor code, gets a 4xx in allauth's error format, never a 500."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz import EXAMPLES
from {{ cookiecutter.project_slug }}.users.models import User
from {{ cookiecutter.project_slug }}.users.tests.accounts import AppClient, enrol_totp, has_totp

# Untraced by coverage (`make test`), like test_api.py: the other tests cover every line.
pytestmark = pytest.mark.no_cover


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
