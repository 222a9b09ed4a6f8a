"""Every log-in, successful or failed, logged: which account, from where, never the password."""

import logging
from typing import Any

from allauth.account.adapter import get_adapter
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import HttpRequest

from .models import User

logger = logging.getLogger(__name__)


def client_ip(request: HttpRequest | None) -> str:
    """The client's address as the lockout counts it (behind the configured proxies)."""
    try:
        return str(get_adapter().get_client_ip(request))
    except (AttributeError, PermissionDenied):  # no request, or one without an address
        return "unknown"


# Django sends these signals for the site, the admin and the accounts API alike.
@receiver(user_logged_in, dispatch_uid="log_login")
def log_login(request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    logger.info("login succeeded: user %s from %s", user.pk, client_ip(request))


def attempt(credentials: dict[str, Any], request: HttpRequest | None) -> str:
    login = credentials.get("email") or credentials.get("username")
    return f"{login!r} from {client_ip(request)}"


@receiver(user_login_failed, dispatch_uid="log_login_failure")
def log_login_failure(
    credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    logger.warning("login failed: %s", attempt(credentials, request))
