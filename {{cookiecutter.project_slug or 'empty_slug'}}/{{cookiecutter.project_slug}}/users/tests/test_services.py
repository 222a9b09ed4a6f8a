import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoCaptureOnCommitCallbacks

from {{ cookiecutter.project_slug }}.users import services
from {{ cookiecutter.project_slug }}.users.models import User
from {{ cookiecutter.project_slug }}.users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def welcomed(monkeypatch: pytest.MonkeyPatch) -> list[User]:
    """The users the code under test welcomes, instead of emailing them."""
    users: list[User] = []
    monkeypatch.setattr(services, "welcome_new_user", users.append)
    return users


def create_and_welcome_a_user_then_fail() -> None:
    with transaction.atomic():
        services.welcome_new_user(UserFactory.create())
        raise RuntimeError("the request failed after creating the user")


def test_new_user_is_welcomed_once_the_account_is_committed(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    user = UserFactory.create()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.welcome_new_user(user)
    assert mail.outbox == []  # nothing sent before the commit
    callbacks[0]()

    assert [message.to for message in mail.outbox] == [[user.email]]


def test_no_welcome_when_the_account_is_rolled_back(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        create_and_welcome_a_user_then_fail()

    assert callbacks == []
    assert mail.outbox == []


def test_a_user_added_in_the_admin_is_welcomed(admin_client: Client, welcomed: list[User]) -> None:
    login = "{{ 'new@example.com' if cookiecutter.username_type == 'email' else 'newuser' }}"

    response = admin_client.post(
        reverse("admin:users_user_add"),
        {User.USERNAME_FIELD: login, "usable_password": "false"},
    )

    assert response.status_code == 302
    assert welcomed == [User.objects.get_by_natural_key(login)]


def test_a_user_changed_in_the_admin_is_not_welcomed_again(
    admin_client: Client, welcomed: list[User]
) -> None:
    user = UserFactory.create()
    changes = {"email": user.email, "first_name": "Ada", "is_active": "on"}
    joined = {"date_joined_0": "2026-01-01", "date_joined_1": "09:00:00"}

    response = admin_client.post(
        reverse("admin:users_user_change", args=[user.pk]),
        {User.USERNAME_FIELD: user.get_username(), **changes, **joined},
    )

    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).first_name == "Ada"
    assert welcomed == []


def test_a_user_without_an_email_address_is_not_welcomed(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    user = UserFactory.create(email="")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.welcome_new_user(user)

    assert callbacks == []
    assert mail.outbox == []
