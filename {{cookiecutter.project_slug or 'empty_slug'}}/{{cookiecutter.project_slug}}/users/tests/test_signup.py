"""Sign up: anyone may register, and logs in only once the email address is verified."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoCaptureOnCommitCallbacks

from {{ cookiecutter.project_slug }}.users.models import User

from .accounts import code_in_last_email, log_in

pytestmark = pytest.mark.django_db

SIGNUP_URL = reverse("account_signup")
PASSWORD = "a-long-enough-passphrase"  # noqa: S105
NEW_ACCOUNT = {
    "email": "new@example.com",
{%- if cookiecutter.username_type == "username" %}
    "username": "newcomer",
{%- endif %}
    "password1": PASSWORD,
    "password2": PASSWORD,
}


def sign_up(client: Client, capture: DjangoCaptureOnCommitCallbacks) -> User:
    with capture(execute=True):
        response = client.post(SIGNUP_URL, NEW_ACCOUNT)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    return User.objects.get(email="new@example.com")


def test_the_login_page_offers_to_sign_up(client: Client) -> None:
    assert SIGNUP_URL in client.get(reverse("account_login")).content.decode()


def test_sign_up_then_verify_the_address_then_log_in(
    client: Client, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    user = sign_up(client, django_capture_on_commit_callbacks)
    assert mail.outbox[-1].to == ["new@example.com"]
    assert "_auth_user_id" not in client.session

    code = {"code": code_in_last_email()}
    assert client.post(reverse("account_email_verification_sent"), code).status_code == 302

    assert EmailAddress.objects.filter(user=user, verified=True).exists()
    assert log_in(Client(), user, PASSWORD)["Location"] == reverse("home")


@pytest.mark.parametrize(
    "change",
    [{"email": "not-an-email"}, {"password2": "something-else"}, {"password1": "x" * 5000}],
)
def test_sign_up_rejects_bad_input_with_a_form_error(
    client: Client, change: dict[str, str]
) -> None:
    response = client.post(SIGNUP_URL, NEW_ACCOUNT | change)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not User.objects.filter(email="new@example.com").exists()


def test_an_address_cannot_sign_up_twice(
    client: Client, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    sign_up(client, django_capture_on_commit_callbacks)

    again = Client().post(SIGNUP_URL, NEW_ACCOUNT | {"email": "NEW@example.com"})

    assert User.objects.filter(email__iexact="new@example.com").count() == 1
    # The form again, or allauth's 429: it emails the address's owner, at most once a while.
    assert again.status_code in (200, 302, 429)
