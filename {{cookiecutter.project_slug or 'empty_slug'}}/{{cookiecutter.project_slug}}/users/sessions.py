"""A change of credentials ends the user's other sessions (browser log-ins, API session tokens)."""

from typing import Any

from allauth.account.signals import password_changed, password_reset
from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.dispatch import receiver
from django.http import HttpRequest

from .models import User


# At once, so that whoever held a stolen password, token or device is out.
@receiver(password_changed, dispatch_uid="end_sessions_on_password_change")
@receiver(password_reset, dispatch_uid="end_sessions_on_password_reset")
@receiver(authenticator_added, dispatch_uid="end_sessions_on_authenticator_added")
@receiver(authenticator_removed, dispatch_uid="end_sessions_on_authenticator_removed")
def end_other_sessions(request: HttpRequest, user: User, **kwargs: Any) -> None:
    """Keep only the session that made the change (a reset makes it from a logged-out one)."""
    # allauth may send these signals once the transaction commits, after the request's session
    # was put back to its own, empty one: an app's request names its session (the key) in
    # X-Session-Token.
    user.end_sessions(keep=request.session.session_key or request.headers.get("X-Session-Token"))
