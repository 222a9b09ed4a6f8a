"""The whole account lifecycle as a mobile app walks it, through allauth's API (/_allauth/app/v1/)
and the project's own (/api/), signed in with allauth's session token."""

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from {{ cookiecutter.project_slug }}.users.authentication import SessionTokenStrategy
from {{ cookiecutter.project_slug }}.users.models import User

from .accounts import (
    AppClient,
    code_in_last_email,
    enrol_totp,
    has_totp,
    log_in,
    signed_in_app,
    totp_code,
)
from .factories import PASSWORD

pytestmark = pytest.mark.django_db

ME_URL = "/api/users/me/"
NEW_PASSWORD = "a-new-and-longer-passphrase"  # noqa: S105


def pending_flows(response: Any) -> list[str]:
    return [flow["id"] for flow in response.json()["data"]["flows"] if flow.get("is_pending")]


def error_codes(response: Any) -> list[str]:
    return [error["code"] for error in response.json()["errors"]]


# --- configuration, log-in, profile, log-out ----------------------------------------------------


def test_config_tells_the_app_what_this_server_offers() -> None:
    config = AppClient().call("GET", "/config").json()["data"]

    assert config["account"]["is_open_for_signup"] is {{ cookiecutter.allow_signup }}
    assert config["account"]["password_reset_by_code_enabled"] is True
    assert {"totp", "webauthn", "recovery_codes"} <= set(config["mfa"]["supported_types"])
    assert config["mfa"]["passkey_login_enabled"] is True


def test_an_app_signs_in_with_a_passkey_by_answering_a_challenge_for_this_site() -> None:
    """The browser test signs in with a passkey; an app gets the same WebAuthn challenge."""
    response = AppClient().call("GET", "/auth/webauthn/login")

    options = response.json()["data"]["request_options"]["publicKey"]
    assert response.status_code == 200
    assert options["rpId"] == "testserver"
    assert len(options["challenge"]) >= 16


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE"])
def test_the_phone_endpoint_of_a_project_without_phone_numbers_is_not_found(method: str) -> None:
    """allauth serves it anyway, and answered some of these with a server error."""
    response = AppClient().call(method, "/account/phone", {"phone": "+15555550100"})

    assert response.status_code == 404
    assert response.json() == {"status": 404}


def test_an_app_logs_in_reads_and_updates_its_profile_and_logs_out(user: User) -> None:
    app = AppClient()

    logged_in = app.log_in(user)
    me = app.api("GET", ME_URL)
    renamed = app.api("PATCH", ME_URL, {"first_name": "Ada"})
    logged_out = app.call("DELETE", "/auth/session")

    assert logged_in.status_code == 200
    assert logged_in.json()["meta"]["is_authenticated"] is True
    assert me.json()["id"] == user.pk
    assert renamed.json()["first_name"] == "Ada"
    assert logged_out.status_code == 401
    assert app.api("GET", ME_URL).status_code == 401


def test_a_wrong_password_gets_a_400_in_allauths_error_format(user: User) -> None:
    response = AppClient().log_in(user, password="wrong")

    assert response.status_code == 400
    assert response.json()["status"] == 400
    assert error_codes(response)


def test_an_unknown_token_gets_401_from_the_api_under_api() -> None:
    response = AppClient(token="not-a-session").api("GET", ME_URL)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "X-Session-Token"


def test_a_token_names_its_session_and_an_unknown_one_none(user: User) -> None:
    strategy = SessionTokenStrategy()
    app = signed_in_app(user)
    assert app.token

    session = strategy.lookup_session(app.token)

    assert session is not None
    assert session.session_key == app.token
    assert session["_auth_user_id"] == str(user.pk)
    assert strategy.lookup_session("no-such-session") is None


def test_a_session_token_request_costs_one_query(
    user: User, django_assert_num_queries: Any
) -> None:
    app = signed_in_app(user)

    with django_assert_num_queries(1):  # the user; the session comes from the cache
        assert app.api("GET", ME_URL).status_code == 200


# --- second factor at log-in --------------------------------------------------------------------


def test_log_in_with_totp_takes_a_second_step(user: User) -> None:
    secret, _ = enrol_totp(user)
    app = AppClient()

    first = app.log_in(user)
    before = app.api("GET", ME_URL)
    wrong = app.call("POST", "/auth/2fa/authenticate", {"code": "000000"})
    second = app.call("POST", "/auth/2fa/authenticate", {"code": totp_code(secret)})

    assert first.status_code == 401
    assert pending_flows(first) == ["mfa_authenticate"]
    assert before.status_code == 401
    assert wrong.status_code == 400
    assert second.status_code == 200
    assert app.api("GET", ME_URL).json()["id"] == user.pk


def test_a_recovery_code_logs_in_once(user: User) -> None:
    _, codes = enrol_totp(user)

    def log_in_with(code: str) -> int:
        app = AppClient()
        app.log_in(user)
        return app.call("POST", "/auth/2fa/authenticate", {"code": code}).status_code

    assert log_in_with(codes[0]) == 200
    assert log_in_with(codes[0]) == 400


# --- one lockout and one staff rule for every door ---------------------------------------------


def test_repeated_failures_lock_the_account_out_with_429_even_for_the_right_password(
    user: User,
) -> None:
    app = AppClient()
    failures = [app.log_in(user, password="wrong").status_code for _ in range(5)]

    locked = app.log_in(user)

    assert failures == [400] * 5
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) > 0
    assert error_codes(locked) == ["too_many_login_attempts"]


def test_failures_on_the_site_count_toward_the_apis_lockout(client: Client, user: User) -> None:
    for _ in range(5):
        log_in(client, user, password="wrong")

    assert AppClient().log_in(user).status_code == 429


@pytest.fixture
def staff_mfa_required(settings: Settings) -> None:
    settings.STAFF_REQUIRE_MFA = True  # prod's default


@pytest.mark.usefixtures("staff_mfa_required")
def test_staff_without_a_second_factor_get_no_api_session(staff_user: User) -> None:
    app = AppClient()

    response = app.log_in(staff_user)

    assert response.status_code == 403
    assert error_codes(response) == ["staff_mfa_required"]
    assert app.api("GET", ME_URL).status_code == 401


@pytest.mark.usefixtures("staff_mfa_required")
def test_staff_with_a_second_factor_log_in_with_it(staff_user: User) -> None:
    secret, _ = enrol_totp(staff_user)
    app = AppClient()

    assert app.log_in(staff_user).status_code == 401
    second_step = app.call("POST", "/auth/2fa/authenticate", {"code": totp_code(secret)})
    assert second_step.status_code == 200


# --- recovery, password change, second factor: each ends the other sessions --------------------


def test_an_app_resets_a_forgotten_password_with_the_emailed_code(user: User) -> None:
    stolen = signed_in_app(user)
    app = AppClient()

    requested = app.call("POST", "/auth/password/request", {"email": user.email})
    reset = app.call(
        "POST", "/auth/password/reset", {"key": code_in_last_email(), "password": NEW_PASSWORD}
    )

    assert requested.status_code == 401
    assert pending_flows(requested) == ["password_reset_by_code"]
    assert reset.status_code == 401  # reset, not logged in: the app logs in next
    assert app.log_in(user, NEW_PASSWORD).status_code == 200
    assert stolen.api("GET", ME_URL).status_code == 401


def test_a_wrong_reset_code_changes_nothing(user: User) -> None:
    app = AppClient()
    app.call("POST", "/auth/password/request", {"email": user.email})

    response = app.call("POST", "/auth/password/reset", {"key": "WRONG-CODE", "password": "x" * 20})

    assert response.status_code == 400
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_reset_answers_alike_for_known_and_unknown_addresses(user: User) -> None:
    known = AppClient().call("POST", "/auth/password/request", {"email": user.email})
    unknown = AppClient().call("POST", "/auth/password/request", {"email": "nobody@example.com"})

    assert known.status_code == unknown.status_code == 401
    assert pending_flows(known) == pending_flows(unknown)
    assert [message.to for message in mail.outbox] == [[user.email], ["nobody@example.com"]]


def test_a_password_change_keeps_this_session_and_ends_the_others(user: User) -> None:
    other = signed_in_app(user)
    app = signed_in_app(user)

    response = app.call(
        "POST",
        "/account/password/change",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert app.api("GET", ME_URL).status_code == 200
    assert other.api("GET", ME_URL).status_code == 401


def test_an_app_enrols_totp_gets_recovery_codes_and_removes_it(user: User) -> None:
    other = signed_in_app(user)
    app = signed_in_app(user)

    offered = app.call("GET", "/account/authenticators/totp")
    code = {"code": totp_code(offered.json()["meta"]["secret"])}
    refused = app.call("POST", "/account/authenticators/totp", code)
    reauthenticated = app.call("POST", "/auth/reauthenticate", {"password": PASSWORD})
    enrolled = app.call("POST", "/account/authenticators/totp", code)
    codes = app.call("GET", "/account/authenticators/recovery-codes")

    assert offered.status_code == 404  # not enrolled yet: the secret to enrol with
    assert refused.status_code == 401  # a sensitive action: the password again first
    assert "reauthenticate" in [flow["id"] for flow in refused.json()["data"]["flows"]]
    assert reauthenticated.status_code == 200
    assert enrolled.status_code == 200
    assert len(codes.json()["data"]["unused_codes"]) == 10
    assert other.api("GET", ME_URL).status_code == 401  # a new second factor ends other sessions

    browser = Client()  # a log-in on the site since then, with a recovery code
    log_in(browser, user)
    browser.post(reverse("mfa_authenticate"), {"code": codes.json()["data"]["unused_codes"][0]})
    assert browser.get(ME_URL).status_code == 200
    removed = app.call("DELETE", "/account/authenticators/totp")

    assert removed.status_code == 200
    assert not has_totp(user)
    assert browser.get(ME_URL).status_code == 401  # removing one ends them too


def test_an_app_lists_its_sessions_and_ends_another(user: User) -> None:
    other = signed_in_app(user)
    app = signed_in_app(user)

    sessions = app.call("GET", "/auth/sessions").json()["data"]
    (other_session,) = [session for session in sessions if not session["is_current"]]
    ended = app.call("DELETE", "/auth/sessions", {"sessions": [other_session["id"]]})

    assert len(sessions) == 2
    assert ended.status_code == 200
    assert other.api("GET", ME_URL).status_code == 401
    assert other.call("GET", "/auth/session").status_code == 410  # gone: log in anew
    assert other.token is None
    assert app.api("GET", ME_URL).status_code == 200


def test_deactivating_a_user_ends_their_access_at_once(user: User) -> None:
    app = signed_in_app(user)

    User.objects.filter(pk=user.pk).update(is_active=False)

    assert app.api("GET", ME_URL).status_code == 401


# --- sign-up ------------------------------------------------------------------------------------


def sign_up(app: AppClient, email: str) -> Any:
    data = {"email": email, "password": NEW_PASSWORD}
{%- if cookiecutter.username_type == "username" %}
    data["username"] = "newcomer"  # free: only the address may be taken
{%- endif %}
    return app.call("POST", "/auth/signup", data)
{%- if cookiecutter.allow_signup %}


def test_an_app_signs_up_and_verifies_the_address_with_the_emailed_code() -> None:
    app = AppClient()

    signed_up = sign_up(app, "new@example.com")
    before = app.api("GET", ME_URL)
    verified = app.call("POST", "/auth/email/verify", {"key": code_in_last_email()})

    assert signed_up.status_code == 401
    assert pending_flows(signed_up) == ["verify_email"]
    assert before.status_code == 401
    assert verified.status_code == 200
    assert app.api("GET", ME_URL).json()["email"] == "new@example.com"


def test_sign_up_answers_alike_for_a_taken_address(user: User) -> None:
    taken = sign_up(AppClient(), user.email)
    new = sign_up(AppClient(), "new@example.com")

    assert taken.status_code == new.status_code == 401
    assert pending_flows(taken) == pending_flows(new)
{%- else %}


def test_sign_up_is_closed_with_a_clear_403() -> None:
    response = sign_up(AppClient(), "new@example.com")

    assert response.status_code == 403
    assert not User.objects.filter(email="new@example.com").exists()
{%- endif %}
