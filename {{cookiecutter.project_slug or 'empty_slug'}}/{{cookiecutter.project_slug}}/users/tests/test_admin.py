import pytest
from django.test import Client
from django.urls import reverse

from {{ cookiecutter.project_slug }}.users.models import User
from {{ cookiecutter.project_slug }}.users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_changelist_lists_users(admin_client: Client) -> None:
    listed = UserFactory.create()

    response = admin_client.get(reverse("admin:users_user_changelist"))

    assert response.status_code == 200
    assert listed.get_username() in response.content.decode()


def test_change_page_opens(admin_client: Client) -> None:
    user = UserFactory.create()

    response = admin_client.get(reverse("admin:users_user_change", args=[user.pk]))

    assert response.status_code == 200


def test_admin_adds_a_user(admin_client: Client) -> None:
    login = "{{ 'new@example.com' if cookiecutter.username_type == 'email' else 'newuser' }}"

    response = admin_client.post(
        reverse("admin:users_user_add"),
        {
            User.USERNAME_FIELD: login,
            "usable_password": "true",
            "password1": "a-Long-unusual-passphrase-42",
            "password2": "a-Long-unusual-passphrase-42",
        },
    )

    assert response.status_code == 302
    assert User.objects.get_by_natural_key(login).check_password("a-Long-unusual-passphrase-42")
