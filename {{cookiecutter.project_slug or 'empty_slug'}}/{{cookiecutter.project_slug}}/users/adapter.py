"""How django-allauth sends its emails, logs lockouts and lets staff into the API."""

import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

from {{ cookiecutter.project_slug }}.core.email import send_after_commit
from {{ cookiecutter.project_slug }}.core.middleware import ACCOUNTS_API, accounts_api_error

from .login_log import attempt
from .models import User

logger = logging.getLogger(__name__)

STAFF_MFA_REQUIRED = "Staff accounts need a second factor: set one up at /accounts/2fa/ first."


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth has no types
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Render the email now, in the request; send it as every email is (core/email.py)."""
        request = allauth_context.request
        base = {"request": request, "email": email, "current_site": get_current_site(request)}
        send_after_commit(self.render_mail(template_prefix, email, base | context))

{%- if not cookiecutter.allow_signup %}

    def is_open_for_signup(self, request: HttpRequest) -> bool:  # noqa: ARG002
        """Staff create the accounts: the sign-up page says so, the API answers 403."""
        return False
{%- endif %}

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Refuse a log-in during a lockout (ACCOUNT_RATE_LIMITS), and say so in the log."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as locked_out:
            logger.warning("login refused, locked out: %s", attempt(credentials, request))
            if request.path.startswith(ACCOUNTS_API):
                message = " ".join(locked_out.messages)
                # 429 with Retry-After, as the API's throttles answer.
                error = accounts_api_error(429, "too_many_login_attempts", message)
                error["Retry-After"] = str(settings.LOGIN_LOCKOUT_SECONDS)
                raise ImmediateHttpResponse(error) from None
            raise

    def pre_login(self, request: HttpRequest, user: User, **kwargs: Any) -> HttpResponse | None:
        """Refuse staff without a second factor an API session (STAFF_REQUIRE_MFA)."""
        # As the admin refuses them; the site's pages send them to set one up (users/middleware.py).
        requires_mfa = settings.STAFF_REQUIRE_MFA and user.is_staff and user.is_active
        if requires_mfa and request.path.startswith(ACCOUNTS_API) and not user.has_second_factor():
            error = accounts_api_error(403, "staff_mfa_required", STAFF_MFA_REQUIRED)
            raise ImmediateHttpResponse(error)
        response: HttpResponse | None = super().pre_login(request, user, **kwargs)
        return response
