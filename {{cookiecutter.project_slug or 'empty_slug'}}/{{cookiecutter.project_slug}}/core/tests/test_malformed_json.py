"""A request body that is not valid JSON gets 400 from both parsers the project uses: DRF's
(the project's API) and allauth's (its accounts API), each in its own error format."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

ME_URL = "/api/users/me/"
LOGIN_URL = "/_allauth/app/v1/auth/login"

MALFORMED = {
    "nested 200,000 deep": b"[" * 200_000 + b"]" * 200_000,
    "a 100,001-digit number": b'{"first_name": 1' + b"0" * 100_000 + b"}",
    "invalid UTF-8": b'{"first_name": "\xff"}',
    "NaN": b'{"first_name": NaN}',
}
bodies = pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())


@bodies
def test_the_api_answers_malformed_json_with_400(user_client: APIClient, body: bytes) -> None:
    response = user_client.patch(ME_URL, body, content_type="application/json")

    assert response.status_code == 400
    assert list(response.json()) == ["detail"]
    assert response.json()["detail"].startswith("JSON parse error")


@pytest.mark.django_db
@bodies
def test_the_accounts_api_answers_malformed_json_with_400(client: Client, body: bytes) -> None:
    response = client.post(LOGIN_URL, body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {
        "status": 400,
        "errors": [{"code": "invalid", "message": "The request body is not valid JSON."}],
    }
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_accounts_api_still_reads_valid_json(client: Client) -> None:
    body = b'{"email": "nobody@example.com", "username": "nobody", "password": "wrong"}'

    response = client.post(LOGIN_URL, body, content_type="application/json")

    assert response.status_code == 400
    assert all("param" in error for error in response.json()["errors"])  # allauth's own answer
