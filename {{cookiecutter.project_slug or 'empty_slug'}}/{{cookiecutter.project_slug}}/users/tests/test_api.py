"""The users API, for every role: anonymous, the user, another user and staff. Signing in
(allauth's API and its session token) is in test_api_accounts.py."""

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries
from rest_framework import serializers, status
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.users.models import User
from {{ cookiecutter.project_slug }}.users.serializers import UserSerializer
from {{ cookiecutter.project_slug }}.users.tests.factories import UserFactory

ME_URL = reverse("user-me")
USERS_URL = reverse("user-list")
FORM = "application/x-www-form-urlencoded"


@pytest.mark.django_db
def test_anonymous_gets_401_with_www_authenticate(api_client: APIClient) -> None:
    response = api_client.get(ME_URL)

    assert response.status_code == status.HTTP_401_UNAUTHORIZED
    assert response["WWW-Authenticate"] == "X-Session-Token"


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
    first_name = user.first_name  # the factory's, which may be any name, "Mallory" too
    shown = other_client.get(ME_URL, {"id": user.pk}).json()
    other_client.patch(f"{ME_URL}?id={user.pk}", {"id": user.pk, "first_name": "Mallory"})

    assert shown["id"] == other_user.pk
    user.refresh_from_db()
    other_user.refresh_from_db()
    assert user.first_name == first_name
    assert other_user.first_name == "Mallory"  # the caller's own profile took the change


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
    assert "/api/users/me/" in schema["paths"]
    assert schema["components"]["securitySchemes"]["SessionToken"]["name"] == "X-Session-Token"


def test_request_bodies_are_json_only(schema: dict[str, Any]) -> None:
    operations = schema["paths"].values()
    bodies = [op["requestBody"] for ops in operations for op in ops.values() if "requestBody" in op]
    assert bodies
    assert {media for body in bodies for media in body["content"]} == {"application/json"}


def test_a_form_body_gets_415(user_client: APIClient) -> None:
    data = {"first_name": "Ada"}
    multipart = user_client.patch(ME_URL, data, format="multipart")
    form = user_client.patch(ME_URL, urlencode(data), content_type=FORM)

    for response in (multipart, form):
        assert response.status_code == status.HTTP_415_UNSUPPORTED_MEDIA_TYPE
        assert "Unsupported media type" in response.json()["detail"]


@pytest.mark.django_db
def test_allauths_specification_is_served_for_the_docs(api_client: APIClient) -> None:
    spec = api_client.get(reverse("headless:openapi_json")).json()

    assert "/_allauth/{client}/v1/auth/login" in spec["paths"]  # client: app or browser


def test_pages_never_exceed_the_maximum_size(staff_client: APIClient) -> None:
    UserFactory.create_batch(101)

    page = staff_client.get(USERS_URL, {"page_size": 1000}).json()

    assert len(page["results"]) == 100
    assert page["next"] is not None


def test_profile_renders_as_a_model_serializer_of_its_fields_would(user: User) -> None:
    class ModelProfile(serializers.ModelSerializer[User]):
        class Meta:
            model = User
            fields = list(UserSerializer().fields)

    assert UserSerializer(user).data == ModelProfile(user).data
    assert UserSerializer().get_fields().keys() == ModelProfile().get_fields().keys()
