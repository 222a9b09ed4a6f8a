"""The users and auth API, for every role: anonymous, the user, another user and staff."""

import json
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
from pytest_django import DjangoAssertNumQueries, Settings
from rest_framework import serializers, status
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.users.authentication import token_lookup
from {{ cookiecutter.project_slug }}.users.models import User
from {{ cookiecutter.project_slug }}.users.serializers import UserSerializer
from {{ cookiecutter.project_slug }}.users.tests.factories import PASSWORD, UserFactory

ME_URL = reverse("user-me")
USERS_URL = reverse("user-list")
TOKEN_URL = reverse("auth-token")
FORM = "application/x-www-form-urlencoded"


def credentials(user: User, password: str = PASSWORD) -> dict[str, str]:
    return {User.USERNAME_FIELD: user.get_username(), "password": password}


def token_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.mark.django_db
def test_anonymous_gets_401_with_www_authenticate(api_client: APIClient) -> None:
    response = api_client.get(ME_URL)

    assert response.status_code == status.HTTP_401_UNAUTHORIZED
    assert response["WWW-Authenticate"] == "Token"


def test_me_returns_the_current_user(user_client: APIClient, user: User) -> None:
    response = user_client.get(ME_URL)

    assert response.status_code == status.HTTP_200_OK
    assert response.json()["id"] == user.pk
    assert response.json()["email"] == user.email


def test_patch_me_updates_own_name_but_not_email(user_client: APIClient, user: User) -> None:
    response = user_client.patch(ME_URL, {"first_name": "Ada", "email": "new@example.com"})

    assert response.status_code == status.HTTP_200_OK
    user.refresh_from_db()
    assert user.first_name == "Ada"
    assert user.email != "new@example.com"


def test_patch_me_rejects_invalid_data(user_client: APIClient) -> None:
    response = user_client.patch(ME_URL, {"first_name": "x" * 1000})

    assert response.status_code == status.HTTP_400_BAD_REQUEST


def test_me_never_shows_or_changes_another_user(
    other_client: APIClient, other_user: User, user: User
) -> None:
    shown = other_client.get(ME_URL, {"id": user.pk}).json()
    other_client.patch(f"{ME_URL}?id={user.pk}", {"id": user.pk, "first_name": "Mallory"})

    assert shown["id"] == other_user.pk
    user.refresh_from_db()
    assert user.first_name != "Mallory"


@pytest.mark.django_db
def test_anonymous_cannot_list_users(api_client: APIClient) -> None:
    assert api_client.get(USERS_URL).status_code == status.HTTP_401_UNAUTHORIZED


def test_user_cannot_list_users(user_client: APIClient, other_user: User) -> None:
    response = user_client.get(USERS_URL)

    assert response.status_code == status.HTTP_403_FORBIDDEN
    assert other_user.email not in response.content.decode()


def test_staff_lists_users_filtered(
    staff_client: APIClient, staff_user: User, user: User, other_user: User
) -> None:
    everyone = staff_client.get(USERS_URL).json()
    staff_only = staff_client.get(USERS_URL, {"is_staff": "true"}).json()

    assert everyone["count"] == 3
    assert [row["id"] for row in staff_only["results"]] == [staff_user.pk]


def test_staff_user_list_costs_two_queries(
    staff_client: APIClient, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    UserFactory.create_batch(20)

    with django_assert_num_queries(2):  # count + page, for any page size
        staff_client.get(USERS_URL)


@pytest.mark.django_db
def test_credentials_exchange_for_a_working_token(api_client: APIClient, user: User) -> None:
    response = api_client.post(TOKEN_URL, credentials(user))

    assert response.status_code == status.HTTP_200_OK
    assert {"token", "expiry"} <= response.json().keys()
    assert token_client(response.json()["token"]).get(ME_URL).json()["id"] == user.pk


@pytest.mark.django_db
def test_tokens_are_stored_hashed(api_client: APIClient, user: User) -> None:
    token = api_client.post(TOKEN_URL, credentials(user)).json()["token"]

    stored = AuthToken.objects.get(user=user)
    assert stored.digest == hash_token(token)  # a SHA-512 digest, not the token
    assert token not in stored.digest


@pytest.mark.django_db
def test_wrong_password_gets_no_token(api_client: APIClient, user: User) -> None:
    response = api_client.post(TOKEN_URL, credentials(user, password="wrong"))

    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert not AuthToken.objects.exists()


@pytest.mark.django_db
def test_inactive_user_gets_no_token(api_client: APIClient) -> None:
    inactive = UserFactory.create(is_active=False)

    response = api_client.post(TOKEN_URL, credentials(inactive))

    assert response.status_code == status.HTTP_400_BAD_REQUEST


@pytest.mark.django_db
def test_token_endpoint_is_throttled(api_client: APIClient) -> None:
    # One failure per account, so that no account's lockout (test_token_login.py) comes first.
    users = UserFactory.create_batch(11)
    responses = [api_client.post(TOKEN_URL, credentials(user, "wrong")) for user in users]

    assert responses[-2].status_code == status.HTTP_400_BAD_REQUEST
    assert responses[-1].status_code == status.HTTP_429_TOO_MANY_REQUESTS
    assert int(responses[-1]["Retry-After"]) > 0


@pytest.mark.django_db
def test_logout_revokes_only_that_token(api_client: APIClient, user: User) -> None:
    first = api_client.post(TOKEN_URL, credentials(user)).json()["token"]
    second = api_client.post(TOKEN_URL, credentials(user)).json()["token"]

    response = token_client(first).post(reverse("auth-logout"))

    assert response.status_code == status.HTTP_204_NO_CONTENT
    assert token_client(first).get(ME_URL).status_code == status.HTTP_401_UNAUTHORIZED
    assert token_client(second).get(ME_URL).status_code == status.HTTP_200_OK


@pytest.mark.django_db
def test_logout_all_revokes_every_token(api_client: APIClient, user: User) -> None:
    tokens = [api_client.post(TOKEN_URL, credentials(user)).json()["token"] for _ in range(2)]

    response = token_client(tokens[0]).post(reverse("auth-logout-all"))

    assert response.status_code == status.HTTP_204_NO_CONTENT
    assert not AuthToken.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_anonymous_cannot_log_out(api_client: APIClient) -> None:
    assert api_client.post(reverse("auth-logout")).status_code == status.HTTP_401_UNAUTHORIZED


@pytest.mark.django_db
def test_api_root_lists_the_users_endpoint(user_client: APIClient) -> None:
    response = user_client.get(reverse("api-root"))

    assert response.status_code == status.HTTP_200_OK
    assert "users" in response.json()


@pytest.mark.parametrize("url_name", ["api-schema", "api-docs"])
def test_schema_and_docs_are_for_staff_only(
    url_name: str, user_client: APIClient, staff_client: APIClient
) -> None:
    assert user_client.get(reverse(url_name)).status_code == status.HTTP_403_FORBIDDEN
    assert staff_client.get(reverse(url_name)).status_code == status.HTTP_200_OK


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The OpenAPI schema as `manage.py spectacular` writes it, validated, warnings failing it."""
    path = tmp_path_factory.mktemp("schema") / "schema.json"
    options = ["--validate", "--fail-on-warn", "--format", "openapi-json", "--file", str(path)]
    call_command("spectacular", *options)
    parsed: dict[str, Any] = json.loads(path.read_text())
    return parsed


def test_schema_is_valid_openapi_without_warnings(schema: dict[str, Any]) -> None:
    assert "/api/auth/token/" in schema["paths"]


def test_request_bodies_are_json_only(schema: dict[str, Any]) -> None:
    operations = schema["paths"].values()
    bodies = [op["requestBody"] for ops in operations for op in ops.values() if "requestBody" in op]
    assert bodies
    assert {media for body in bodies for media in body["content"]} == {"application/json"}


@pytest.mark.django_db
def test_a_form_body_gets_415(api_client: APIClient, user: User) -> None:
    multipart = api_client.post(TOKEN_URL, credentials(user), format="multipart")
    form = api_client.post(TOKEN_URL, urlencode(credentials(user)), content_type=FORM)

    for response in (multipart, form):
        assert response.status_code == status.HTTP_415_UNSUPPORTED_MEDIA_TYPE
        assert "Unsupported media type" in response.json()["detail"]


def test_pages_never_exceed_the_maximum_size(staff_client: APIClient) -> None:
    UserFactory.create_batch(101)

    page = staff_client.get(USERS_URL, {"page_size": 1000}).json()

    assert len(page["results"]) == 100
    assert page["next"] is not None


@pytest.mark.django_db
def test_a_token_request_costs_one_query(
    api_client: APIClient, user: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client = token_client(api_client.post(TOKEN_URL, credentials(user)).json()["token"])

    with django_assert_num_queries(1):  # the token, with its user
        assert client.get(ME_URL).status_code == status.HTTP_200_OK


@pytest.mark.django_db
def test_an_expired_token_is_refused_and_deleted(api_client: APIClient, user: User) -> None:
    client = token_client(api_client.post(TOKEN_URL, credentials(user)).json()["token"])
    AuthToken.objects.filter(user=user).update(expiry=timezone.now() - timedelta(seconds=1))

    assert client.get(ME_URL).status_code == status.HTTP_401_UNAUTHORIZED
    assert not AuthToken.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_an_inactive_users_token_is_refused(api_client: APIClient, user: User) -> None:
    client = token_client(api_client.post(TOKEN_URL, credentials(user)).json()["token"])
    User.objects.filter(pk=user.pk).update(is_active=False)

    assert client.get(ME_URL).status_code == status.HTTP_401_UNAUTHORIZED


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["Token \xe9t\xe9", "Token " + "0" * 64, "Token a b"])
def test_a_malformed_or_unknown_token_is_a_401(api_client: APIClient, header: str) -> None:
    """Header bytes that are not UTF-8 included: knox itself answered those with a 500."""
    response = api_client.get(ME_URL, HTTP_AUTHORIZATION=header)

    assert response.status_code == status.HTTP_401_UNAUTHORIZED
    assert response.json()["detail"].startswith("Invalid token")


@pytest.mark.django_db
def test_the_precompiled_token_query_finds_what_the_orm_finds(user: User) -> None:
    token, _ = user.issue_token()
    key = token[: CONSTANTS.TOKEN_KEY_LENGTH]
    expected = AuthToken.objects.select_related("user").get(token_key=key)

    (found,) = token_lookup("default").tokens(key)

    def values(instance: Model) -> dict[str, object]:
        return {field.attname: getattr(instance, field.attname) for field in instance._meta.fields}

    assert values(found) == values(expected)
    assert values(found.user) == values(expected.user)
    assert token_lookup("default").tokens("0" * CONSTANTS.TOKEN_KEY_LENGTH) == []


@pytest.mark.django_db
def test_tokens_that_share_a_key_each_sign_in_their_own_user(user: User, other_user: User) -> None:
    token, _ = user.issue_token()
    key = token[: CONSTANTS.TOKEN_KEY_LENGTH]
    other_token = key + "f" * (len(token) - len(key))
    AuthToken(digest=hash_token(other_token), token_key=key, user=other_user).save()

    assert token_client(other_token).get(ME_URL).json()["id"] == other_user.pk
    assert token_client(token).get(ME_URL).json()["id"] == user.pk


@pytest.mark.django_db
def test_with_knox_auto_refresh_a_used_token_lives_longer(user: User, settings: Settings) -> None:
    token, expiry = user.issue_token()
    settings.REST_KNOX = {**settings.REST_KNOX, "AUTO_REFRESH": True, "MIN_REFRESH_INTERVAL": 0}

    assert token_client(token).get(ME_URL).status_code == status.HTTP_200_OK
    assert AuthToken.objects.get(user=user).expiry > expiry


def test_profile_renders_as_a_model_serializer_of_its_fields_would(user: User) -> None:
    class ModelProfile(serializers.ModelSerializer[User]):
        class Meta:
            model = User
            fields = list(UserSerializer().fields)

    assert UserSerializer(user).data == ModelProfile(user).data
    assert UserSerializer().get_fields().keys() == ModelProfile().get_fields().keys()
