import pytest
from django.core.exceptions import ValidationError

from {{ cookiecutter.project_slug }}.users.models import User
from {{ cookiecutter.project_slug }}.users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "{{ 'Ada@example.com' if cookiecutter.username_type == 'email' else 'Ada' }}"


def test_login_ignores_case() -> None:
    user = UserFactory.create(**{User.USERNAME_FIELD: LOGIN})

    assert User.objects.get_by_natural_key(LOGIN.upper()) == user


def test_logins_differing_only_in_case_are_refused() -> None:
    UserFactory.create(**{User.USERNAME_FIELD: LOGIN})

    with pytest.raises(ValidationError, match="already exists"):
        User(**{User.USERNAME_FIELD: LOGIN.lower()}).validate_constraints()
{% if cookiecutter.username_type == "email" %}

def test_create_user_logs_in_with_a_normalised_email() -> None:
    user = User.objects.create_user(email="Ada@EXAMPLE.com", password="s3cret-pass")

    assert user.get_username() == "Ada@example.com"
    assert user.check_password("s3cret-pass")
    assert not user.is_staff
    assert not user.is_superuser


def test_create_user_requires_an_email() -> None:
    with pytest.raises(ValueError, match="email"):
        User.objects.create_user(email="", password="s3cret-pass")


def test_user_model_has_no_username() -> None:
    assert User.USERNAME_FIELD == "email"
    assert "username" not in {field.name for field in User._meta.get_fields()}


def test_create_superuser_is_staff_and_superuser() -> None:
    admin = User.objects.create_superuser(email="root@example.com", password="s3cret-pass")

    assert admin.is_staff
    assert admin.is_superuser


def test_create_superuser_refuses_a_non_staff_superuser() -> None:
    with pytest.raises(ValueError, match="is_staff=True"):
        User.objects.create_superuser(email="root@example.com", password="x", is_staff=False)


def test_str_is_the_email() -> None:
    user = User.objects.create_user(email="ada@example.com")

    assert str(user) == "ada@example.com"
{%- else %}

def test_create_user_logs_in_with_a_username() -> None:
    user = User.objects.create_user(username="ada", email="ada@example.com", password="s3cret-pass")

    assert User.USERNAME_FIELD == "username"
    assert user.check_password("s3cret-pass")
    assert not user.is_staff


def test_create_superuser_is_staff_and_superuser() -> None:
    admin = User.objects.create_superuser(username="root", password="s3cret-pass")

    assert admin.is_staff
    assert admin.is_superuser


def test_str_is_the_username() -> None:
    user = User.objects.create_user(username="ada")

    assert str(user) == "ada"
{%- endif %}
