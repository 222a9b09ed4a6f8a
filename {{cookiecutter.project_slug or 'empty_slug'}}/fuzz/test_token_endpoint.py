"""Fuzzing the API token endpoint (beside Schemathesis' fuzz of every operation, test_api.py):
any text, NUL characters and overlong values included, for an account with an authenticator
app, gets a 4xx with a JSON body, never a 500."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from fuzz import EXAMPLES
from {{ cookiecutter.project_slug }}.users.models import User
from {{ cookiecutter.project_slug }}.users.tests.accounts import enrol_totp

TOKEN_URL = reverse("auth-token")

# Untraced by coverage (`make test`), like test_api.py: the other tests cover every line.
pytestmark = pytest.mark.no_cover


@given(login=st.text(max_size=300), password=st.text(max_size=5000), code=st.text(max_size=80))
@settings(
    max_examples=EXAMPLES * 4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_any_input_to_the_token_endpoint_gets_a_clear_answer(
    api_client: APIClient, user: User, login: str, password: str, code: str
) -> None:
    if not Authenticator.objects.filter(user=user).exists():
        enrol_totp(user)
    for name in (login, user.get_username()):  # an unknown account and the real one
        data = {User.USERNAME_FIELD: name, "password": password, "code": code}

        response = api_client.post(TOKEN_URL, data)

        assert response.status_code in (400, 429), response.content
        assert response.json()
