"""Helpers for the account tests: log in through the pages or the API, read the codes emails
carry, make TOTP codes."""

import base64
import hmac
import json
import re
import time
from typing import Any, Protocol

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from django.core import mail
from django.test import Client, TestCase, override_settings
from django.urls import reverse

from {{ cookiecutter.project_slug }}.users.models import User

from .factories import PASSWORD


class Response(Protocol):
    """What the account tests read of a response from Django's test client."""

    status_code: int
    content: bytes

    def json(self) -> Any: ...

    def __getitem__(self, header: str) -> str: ...


LOGIN_URL = reverse("account_login")
# A line of its own in allauth's emails: "RKSP-XQNP" (password reset), "K4X9QZ" (verification).
CODE = re.compile(r"^(?P<code>[A-Z0-9]{3,}(?:-[A-Z0-9]+)?)$", re.MULTILINE)
APP_API = "/_allauth/app/v1"


def log_in(client: Client, user: User, password: str = PASSWORD) -> "Response":
    return client.post(LOGIN_URL, {"login": user.get_username(), "password": password})


def code_in_last_email() -> str:
    body = str(mail.outbox[-1].body)
    match = CODE.search(body)
    assert match, body
    return match["code"]


class AppClient:
    """A mobile app on allauth's API (/_allauth/app/v1/): JSON bodies, no cookies, and the session
    token of its latest authentication response in X-Session-Token. Emails are sent as the
    request's transaction commits, as in production."""

    def __init__(self, token: str | None = None) -> None:
        self.client = Client()
        self.token = token

    def call(self, method: str, path: str, data: dict[str, Any] | None = None) -> "Response":
        headers = {"X-Session-Token": self.token} if self.token else {}
        body = json.dumps(data) if data is not None else ""
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = self.client.generic(
                method, APP_API + path, body, content_type="application/json", headers=headers
            )
        if response.status_code == 410:  # the session has ended: start again without a token
            self.token = None
        else:
            self.token = response.json().get("meta", {}).get("session_token", self.token)
        return response

    def api(self, method: str, path: str, data: dict[str, Any] | None = None) -> "Response":
        """The project's own API (/api/), signed in with this client's session token."""
        headers = {"X-Session-Token": self.token} if self.token else {}
        body = json.dumps(data) if data is not None else ""
        return self.client.generic(
            method, path, body, content_type="application/json", headers=headers
        )

    def log_in(self, user: User, password: str = PASSWORD) -> "Response":
        credentials = {User.USERNAME_FIELD: user.get_username(), "password": password}
        return self.call("POST", "/auth/login", credentials)


def signed_in_app(user: User) -> AppClient:
    """A mobile app that has logged `user` in: it holds their session token."""
    app = AppClient()
    assert app.log_in(user).status_code == 200
    assert app.token
    return app


# A code is accepted only in its own period (allauth's MFA_TOTP_PERIOD): one read this close to
# the period's end could reach the server in the next one, where it is wrong (a gate's enrolment
# test failed that way).
TOTP_MARGIN = 2.0


def totp_code(secret: str, seconds_ago: int = 0) -> str:
    """The code an authenticator app shows, read at least TOTP_MARGIN seconds before it changes
    (waiting for the next period if need be)."""
    period = mfa_settings.TOTP_PERIOD
    left = period - time.time() % period
    time.sleep(left if left < TOTP_MARGIN else 0)  # one line: coverage sees no untaken branch
    counter = (int(time.time()) - seconds_ago) // period
    # RFC 6238 (allauth's TOTP, as authenticator apps compute it): HMAC-SHA1 of the period's
    # number, 31 bits from the offset its last 4 bits name, the last MFA_TOTP_DIGITS digits.
    digest = hmac.digest(base64.b32decode(secret), counter.to_bytes(8, "big"), "sha1")
    offset = digest[-1] & 0x0F
    value = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    digits = mfa_settings.TOTP_DIGITS
    return str(value % 10**digits).zfill(digits)


def enrol_totp(user: User) -> tuple[str, list[str]]:
    """Give `user` an authenticator app and recovery codes, as a mobile app does through allauth's
    API (staff before STAFF_REQUIRE_MFA applies); return the secret and the codes."""
    app = AppClient()
    with override_settings(STAFF_REQUIRE_MFA=False):
        assert app.log_in(user).status_code == 200
    assert app.call("POST", "/auth/reauthenticate", {"password": PASSWORD}).status_code == 200
    secret = app.call("GET", "/account/authenticators/totp").json()["meta"]["secret"]
    enrolled = app.call("POST", "/account/authenticators/totp", {"code": totp_code(secret)})
    assert enrolled.status_code == 200, enrolled.content
    codes = app.call("GET", "/account/authenticators/recovery-codes").json()["data"]
    return secret, codes["unused_codes"]


def has_totp(user: User) -> bool:
    exists: bool = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    return exists
