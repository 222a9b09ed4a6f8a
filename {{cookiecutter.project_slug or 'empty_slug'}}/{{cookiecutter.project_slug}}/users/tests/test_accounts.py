"""The account pages (django-allauth): password reset and change, lockout, MFA, log-in log."""

import logging
from collections.abc import Callable

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import authenticate
from django.core import mail
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoCaptureOnCommitCallbacks
from pytest_django.fixtures import Settings

from {{ cookiecutter.project_slug }}.users.models import User

from .accounts import LOGIN_URL, code_in_last_email, enrol_totp, has_totp, log_in, totp_code
from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

RESET_URL = reverse("account_reset_password")
CONFIRM_CODE_URL = reverse("account_confirm_password_reset_code")
NEW_PASSWORD = "a-new-and-longer-passphrase"  # noqa: S105


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def request_reset(
    client: Client, email: str, capture: DjangoCaptureOnCommitCallbacks
) -> tuple[int, str]:
    with capture(execute=True):
        response = client.post(RESET_URL, {"email": email})
    return response.status_code, response["Location"]


# --- password reset ---------------------------------------------------------------------------


def test_reset_by_emailed_code_sets_a_new_password_that_logs_in(
    client: Client, user: User, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    request_reset(client, user.email, django_capture_on_commit_callbacks)
    assert mail.outbox[-1].to == [user.email]

    confirmed = client.post(CONFIRM_CODE_URL, {"code": code_in_last_email()})
    new_password = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    done = client.post(confirmed["Location"], new_password)

    assert done.status_code == 302
    assert log_in(Client(), user, NEW_PASSWORD).status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_wrong_reset_code_is_refused_and_the_password_kept(
    client: Client, user: User, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    request_reset(client, user.email, django_capture_on_commit_callbacks)

    response = client.post(CONFIRM_CODE_URL, {"code": "WRONG-CODE"})

    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_reset_answers_alike_for_known_and_unknown_addresses(
    client: Client, user: User, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    known = request_reset(client, user.email, django_capture_on_commit_callbacks)
    unknown = request_reset(Client(), "nobody@example.com", django_capture_on_commit_callbacks)

    assert known == unknown == (302, CONFIRM_CODE_URL)
    # The unknown address learns that it has no account here; nobody else learns anything.
    assert [message.to for message in mail.outbox] == [[user.email], ["nobody@example.com"]]
    assert "code" not in str(mail.outbox[-1].body).lower()


@pytest.mark.parametrize("email", ["not-an-email", "a@", "a@b@example.com", ""])
def test_reset_rejects_a_malformed_address_with_a_form_error(client: Client, email: str) -> None:
    response = client.post(RESET_URL, {"email": email})

    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert mail.outbox == []


def test_reset_mail_waits_for_the_commit(client: Client, user: User) -> None:
    client.post(RESET_URL, {"email": user.email})  # the test's transaction never commits

    assert mail.outbox == []


# --- password change --------------------------------------------------------------------------


def test_a_signed_in_user_changes_the_password(client: Client, user: User) -> None:
    client.force_login(user)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert signed_in(client)  # this session stays; the others end with the old password


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [("wrong-password", NEW_PASSWORD, "oldpassword"), (PASSWORD, "x" * 5000, "password1")],
)
def test_password_change_rejects_bad_input_with_a_form_error(
    client: Client, user: User, old: str, new: str, field: str
) -> None:
    client.force_login(user)

    response = client.post(
        reverse("account_change_password"), {"oldpassword": old, "password1": new, "password2": new}
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_needs_a_signed_in_user(client: Client) -> None:
    response = client.get(reverse("account_change_password"))

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


# --- lockout ----------------------------------------------------------------------------------


def fail_logins(client: Client, user: User, times: int) -> None:
    for _ in range(times):
        response = log_in(client, user, "wrong-password")
        assert response.status_code == 200


def test_site_login_locks_an_account_after_repeated_failures(
    client: Client, user: User, later: Callable[[float], None]
) -> None:
    fail_logins(client, user, 5)

    refused = log_in(Client(REMOTE_ADDR="10.0.0.9"), user)  # right password, another client

    assert refused.status_code == 200
    assert "Too many failed login attempts" in refused.content.decode()
    later(settings.LOGIN_LOCKOUT_SECONDS + 1)
    assert log_in(client, user).status_code == 302


def test_site_login_locks_a_client_address_out_across_accounts(
    settings: Settings, user: User
) -> None:
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/60s/ip,5/60s/key"}
    attacker = Client(REMOTE_ADDR="10.0.0.7")
    for other in UserFactory.create_batch(3):
        fail_logins(attacker, other, 1)

    assert "Too many failed login attempts" in log_in(attacker, user).content.decode()
    assert log_in(Client(REMOTE_ADDR="10.0.0.8"), user).status_code == 302


def test_admin_login_goes_through_the_site_login_and_its_lockout(
    client: Client, staff_user: User
) -> None:
    admin_login = client.get(reverse("admin:login"), {"next": reverse("admin:index")})
    assert admin_login.status_code == 302
    login_url = admin_login["Location"]
    assert login_url.startswith(LOGIN_URL)

    for _ in range(5):
        client.post(login_url, {"login": staff_user.get_username(), "password": "wrong"})
    refused = client.post(login_url, {"login": staff_user.get_username(), "password": PASSWORD})

    assert "Too many failed login attempts" in refused.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302


def test_admin_refuses_a_signed_in_user_who_is_not_staff(client: Client, user: User) -> None:
    client.force_login(user)

    assert client.get(reverse("admin:login")).status_code == 403


def test_logins_are_logged_without_passwords(
    client: Client, user: User, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="{{ cookiecutter.project_slug }}.users"):
        fail_logins(client, user, 5)
        log_in(client, user)
        client.logout()
        log_in(Client(), UserFactory.create())
        authenticate(None, **{User.USERNAME_FIELD: "nobody", "password": "guess"})  # a shell

    messages = [record.getMessage() for record in caplog.records]
    assert sum(m.startswith("login failed") for m in messages) == 6
    assert "login failed: 'nobody' from unknown" in messages
    assert sum(m.startswith("login refused, locked out") for m in messages) == 1
    assert sum(m.startswith("login succeeded") for m in messages) == 1
    assert not any(PASSWORD in m or "wrong-password" in m for m in messages)


# --- MFA --------------------------------------------------------------------------------------


def test_a_user_enrols_an_authenticator_app_and_gets_recovery_codes(
    client: Client, user: User
) -> None:
    client.force_login(user)
    asked = client.get(reverse("mfa_activate_totp"))
    assert asked["Location"].startswith(reverse("account_reauthenticate"))  # the password again
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret

    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert wrong.context["form"].errors["code"]
    client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})

    assert has_totp(user)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists()


def test_login_asks_for_the_code_and_accepts_it_once(client: Client, user: User) -> None:
    secret, _ = enrol_totp(user)

    prompt = log_in(client, user)
    assert prompt["Location"] == reverse("mfa_authenticate")
    assert not signed_in(client)
    code = totp_code(secret)
    response = client.post(reverse("mfa_authenticate"), {"code": code})

    assert response.status_code == 302
    assert signed_in(client)
    second = Client()
    log_in(second, user)
    reused = second.post(reverse("mfa_authenticate"), {"code": code})
    assert reused.context["form"].errors["code"]
    assert not signed_in(second)


def test_login_accepts_a_recovery_code_once(client: Client, user: User) -> None:
    _, recovery_codes = enrol_totp(user)

    log_in(client, user)
    client.post(reverse("mfa_authenticate"), {"code": recovery_codes[0]})
    assert signed_in(client)

    second = Client()
    log_in(second, user)
    reused = second.post(reverse("mfa_authenticate"), {"code": recovery_codes[0]})
    assert reused.context["form"].errors["code"]
    assert not signed_in(second)


def test_an_expired_code_is_refused(client: Client, user: User) -> None:
    secret, _ = enrol_totp(user)
    log_in(client, user)

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret, 90)})

    assert response.context["form"].errors["code"]
    assert not signed_in(client)


@pytest.mark.parametrize("code", ["000000", "", "x" * 500, "12345"])
def test_a_wrong_code_is_a_form_error(client: Client, user: User, code: str) -> None:
    enrol_totp(user)
    log_in(client, user)

    response = client.post(reverse("mfa_authenticate"), {"code": code})

    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert not signed_in(client)


# --- staff MFA, as production requires it -----------------------------------------------------


@pytest.fixture
def staff_mfa_required(settings: Settings) -> None:
    settings.STAFF_REQUIRE_MFA = True  # prod's default


@pytest.mark.usefixtures("staff_mfa_required")
def test_staff_without_an_authenticator_are_sent_to_enrol(client: Client, staff_user: User) -> None:
    client.force_login(staff_user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    for path in (reverse("admin:index"), reverse("home")):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


@pytest.mark.usefixtures("staff_mfa_required")
def test_admin_needs_a_session_confirmed_with_a_code(client: Client, staff_user: User) -> None:
    secret, _ = enrol_totp(staff_user)
    client.force_login(staff_user)  # a password alone, or enrolment in this very session

    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))

    client.post(response["Location"], {"code": totp_code(secret)})
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.usefixtures("staff_mfa_required")
def test_staff_logged_in_with_a_code_reach_the_admin(client: Client, staff_user: User) -> None:
    secret, _ = enrol_totp(staff_user)
    log_in(client, staff_user)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.usefixtures("staff_mfa_required")
def test_users_who_are_not_staff_need_no_authenticator(client: Client, user: User) -> None:
    client.force_login(user)

    assert client.get(reverse("home")).status_code == 200


def test_staff_need_no_authenticator_when_not_required(client: Client, staff_user: User) -> None:
    client.force_login(staff_user)

    assert client.get(reverse("admin:index")).status_code == 200
{%- if not cookiecutter.allow_signup %}


def test_the_registration_page_says_sign_up_is_closed(client: Client) -> None:
    page = client.get("/accounts/signup/")
    posted = client.post("/accounts/signup/", {"email": "new@example.com"})

    assert "currently closed" in page.content.decode()
    assert "currently closed" in posted.content.decode()
    assert not User.objects.filter(email="new@example.com").exists()
{%- endif %}
