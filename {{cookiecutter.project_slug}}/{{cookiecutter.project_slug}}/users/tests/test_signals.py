import pytest
from django.core import mail
from django.db import transaction
from pytest_django import DjangoCaptureOnCommitCallbacks

from {{ cookiecutter.project_slug }}.users.models import User
from {{ cookiecutter.project_slug }}.users.signals import welcome_new_user
from {{ cookiecutter.project_slug }}.users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def create_a_user_then_fail() -> None:
    with transaction.atomic():
        UserFactory.create()
        raise RuntimeError("the request failed after creating the user")


def test_new_user_is_welcomed_once_the_account_is_committed(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        user = UserFactory.create()
    assert mail.outbox == []  # nothing sent before the commit

    callbacks[0]()

    assert [message.to for message in mail.outbox] == [[user.email]]


def test_no_welcome_when_the_account_is_rolled_back(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        create_a_user_then_fail()

    assert callbacks == []
    assert mail.outbox == []


def test_saving_an_existing_user_sends_nothing(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    user = UserFactory.create()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        user.first_name = "Ada"
        user.save()

    assert callbacks == []


def test_users_loaded_from_fixtures_are_not_welcomed(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    user = User(email="fixture@example.com")  # as loaddata makes it: no factory, never saved

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        welcome_new_user(instance=user, created=True, raw=True)

    assert callbacks == []
