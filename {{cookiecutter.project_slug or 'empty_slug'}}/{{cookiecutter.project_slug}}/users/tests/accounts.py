"""Helpers for the account tests: log in through the pages, read emails, make TOTP codes."""

import re
import time
from typing import TYPE_CHECKING

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core import mail
from django.test import Client
from django.urls import reverse

from {{ cookiecutter.project_slug }}.users.models import User

from .factories import PASSWORD

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

LOGIN_URL = reverse("account_login")
LINK = re.compile(r"http://testserver(?P<path>/accounts/\S+/)")


def log_in(client: Client, user: User, password: str = PASSWORD) -> "Response":
    return client.post(LOGIN_URL, {"login": user.get_username(), "password": password})


def link_in_last_email() -> str:
    body = str(mail.outbox[-1].body)
    match = LINK.search(body)
    assert match, body
    return str(match["path"])


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
    return str(format_hotp_value(hotp_value(secret, counter)))


def enrol_totp(user: User) -> tuple[str, list[str]]:
    """Give `user` an authenticator app and recovery codes; return the secret and the codes."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    codes: list[str] = RecoveryCodes.activate(user).get_unused_codes()
    return secret, codes


def has_totp(user: User) -> bool:
    exists: bool = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    return exists
