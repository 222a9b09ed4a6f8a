import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import MD5PasswordHasher

from {{ cookiecutter.project_slug }}.users.backends import AuthenticationBackend
from {{ cookiecutter.project_slug }}.users.models import User
from {{ cookiecutter.project_slug }}.users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_session_reads_its_user_as_the_orm_would() -> None:
    user = UserFactory.create()

    found = AuthenticationBackend().get_user(user.pk)

    assert found == user
    # every field converted as the ORM converts it (SQLite stores a datetime as text)
    assert (found.date_joined, found.is_active, found.email) == (
        user.date_joined,
        user.is_active,
        user.email,
    )


def test_an_inactive_or_deleted_user_has_no_session() -> None:
    inactive, deleted = UserFactory.create(is_active=False), UserFactory.create()
    deleted_pk = deleted.pk
    deleted.delete()

    assert AuthenticationBackend().get_user(inactive.pk) is None
    assert AuthenticationBackend().get_user(deleted_pk) is None


@pytest.mark.parametrize("login", ["nobody@example.com", "known@example.com"])
def test_a_failed_log_in_hashes_the_password_once(
    login: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    UserFactory.create(**{User.USERNAME_FIELD: "known@example.com"})
    hashed: list[str] = []
    encode = MD5PasswordHasher.encode  # the test settings' hasher

    def counted_encode(self: MD5PasswordHasher, password: str, salt: str) -> str:
        hashed.append(password)
        return encode(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counted_encode)

    assert authenticate(None, **{User.USERNAME_FIELD: login, "password": "wrong-pass"}) is None
    assert hashed == ["wrong-pass"]
