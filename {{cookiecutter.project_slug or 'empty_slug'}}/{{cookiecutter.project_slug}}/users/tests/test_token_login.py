"""The API token endpoint honours the site's lockout, inactive accounts and MFA."""

from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings
from rest_framework import status
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.users.models import User

from .accounts import enrol_totp, log_in, totp_code
from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = reverse("auth-token")


def token_request(user: User, password: str = PASSWORD, **extra: str) -> dict[str, str]:
    return {User.USERNAME_FIELD: user.get_username(), "password": password, **extra}


def test_the_token_endpoint_locks_an_account_and_releases_it(
    api_client: APIClient, user: User, later: Callable[[float], None]
) -> None:
    for _ in range(5):
        failed = api_client.post(TOKEN_URL, token_request(user, "wrong-password"))
        assert failed.status_code == status.HTTP_400_BAD_REQUEST

    locked = api_client.post(TOKEN_URL, token_request(user))

    assert locked.status_code == status.HTTP_429_TOO_MANY_REQUESTS
    assert locked["Retry-After"] == str(settings.LOGIN_LOCKOUT_SECONDS)
    assert "Too many failed login attempts" in locked.json()["detail"]
    later(settings.LOGIN_LOCKOUT_SECONDS + 1)
    assert api_client.post(TOKEN_URL, token_request(user)).status_code == status.HTTP_200_OK


def test_failures_on_the_site_count_for_the_api_too(api_client: APIClient, user: User) -> None:
    site = Client()
    for _ in range(5):
        log_in(site, user, "wrong-password")

    locked = api_client.post(TOKEN_URL, token_request(user))

    assert locked.status_code == status.HTTP_429_TOO_MANY_REQUESTS


def test_an_inactive_account_gets_no_token(api_client: APIClient) -> None:
    user = UserFactory.create(is_active=False)

    response = api_client.post(TOKEN_URL, token_request(user))

    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert response.json() == {"non_field_errors": ["This account is inactive."]}


@pytest.mark.parametrize(
    "field",
    [{"password": "x" * 5000}, {User.USERNAME_FIELD: "x" * 300}, {"code": "1" * 100}],
)
def test_overlong_input_is_a_clear_400(
    api_client: APIClient, user: User, field: dict[str, str]
) -> None:
    response = api_client.post(TOKEN_URL, token_request(user) | field)

    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert set(response.json()) == set(field)


def test_an_mfa_user_needs_a_code_for_a_token(api_client: APIClient, user: User) -> None:
    secret, recovery_codes = enrol_totp(user)

    without = api_client.post(TOKEN_URL, token_request(user))
    wrong = api_client.post(TOKEN_URL, token_request(user, code="000000"))
    code = totp_code(secret)
    right = api_client.post(TOKEN_URL, token_request(user, code=code))
    reused = api_client.post(TOKEN_URL, token_request(user, code=code))
    recovery = api_client.post(TOKEN_URL, token_request(user, code=recovery_codes[0]))

    assert without.status_code == wrong.status_code == reused.status_code == 400
    assert set(without.json()) == {"code"}
    assert right.status_code == recovery.status_code == 200


def test_staff_without_an_authenticator_get_no_token_when_mfa_is_required(
    api_client: APIClient, staff_user: User, settings: Settings
) -> None:
    settings.STAFF_REQUIRE_MFA = True

    response = api_client.post(TOKEN_URL, token_request(staff_user))

    assert response.status_code == status.HTTP_403_FORBIDDEN
    assert "authenticator" in response.json()["detail"]


def test_logout_everywhere_ends_sessions_and_revokes_tokens(
    api_client: APIClient, user: User
) -> None:
    browser = Client()
    log_in(browser, user)
    token = api_client.post(TOKEN_URL, token_request(user)).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert browser.get(reverse("account_change_password")).status_code == 200

    response = api_client.post(reverse("auth-logout-all"))

    assert response.status_code == status.HTTP_204_NO_CONTENT
    assert browser.get(reverse("account_change_password")).status_code == 302
    assert api_client.get(reverse("user-me")).status_code == status.HTTP_401_UNAUTHORIZED
