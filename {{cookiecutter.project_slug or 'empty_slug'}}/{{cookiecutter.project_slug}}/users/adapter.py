"""How django-allauth sends its emails (password reset, verification), logs lockouts and lets
staff into the API."""

import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
{%- if not cookiecutter.use_celery %}
from django.db import transaction
{%- endif %}
from django.http import HttpRequest, HttpResponse, JsonResponse
{%- if cookiecutter.use_celery %}

from {{ cookiecutter.project_slug }}.core.tasks import enqueue_on_commit
{%- endif %}

from .models import User
{%- if cookiecutter.use_celery %}
from .tasks import send_email
{%- endif %}

logger = logging.getLogger(__name__)

API_PREFIX = "/_allauth/"  # allauth's API (config/urls.py)
STAFF_MFA_REQUIRED = "Staff accounts need a second factor: set one up at /accounts/2fa/ first."


def api_error(status: int, code: str, message: str) -> ImmediateHttpResponse:
    """End an API request with an error in allauth's format: {"status", "errors": [...]}."""
    body = {"status": status, "errors": [{"code": code, "message": message}]}
    return ImmediateHttpResponse(JsonResponse(body, status=status))


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth has no types
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Render the email now, in the request, and send it once the transaction commits.

        A request that fails and rolls back sends nothing, and no page waits for the mail server.
{%- if cookiecutter.use_celery %}
        A worker sends it (users/tasks.py), retrying while the mail server is unreachable.
{%- endif %}
        """
        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {"request": request, "email": email, "current_site": get_current_site(request)}
            | context,
        )
{%- if cookiecutter.use_celery %}
        # Plain text, as allauth's templates are: task arguments are JSON, not message objects.
        enqueue_on_commit(send_email, message.subject, message.body, message.from_email, message.to)
{%- else %}
        transaction.on_commit(message.send, robust=True)  # a failure is logged, not raised
{%- endif %}

{%- if not cookiecutter.allow_signup %}

    def is_open_for_signup(self, request: HttpRequest) -> bool:  # noqa: ARG002
        """Staff create the accounts: the sign-up page says so, the API answers 403."""
        return False
{%- endif %}

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Refuse a log-in during a lockout (ACCOUNT_RATE_LIMITS), and say so in the log; the
        API answers 429 with Retry-After, as its throttles do."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as locked_out:
            login = credentials.get("email") or credentials.get("username")
            logger.warning(
                "login refused, locked out: %r from %s", login, self.get_client_ip(request)
            )
            if request.path.startswith(API_PREFIX):
                error = api_error(429, "too_many_login_attempts", " ".join(locked_out.messages))
                error.response["Retry-After"] = str(settings.LOGIN_LOCKOUT_SECONDS)
                raise error from None
            raise

    def pre_login(self, request: HttpRequest, user: User, **kwargs: Any) -> HttpResponse | None:
        """Refuse staff without a second factor an API session (STAFF_REQUIRE_MFA), as the admin
        refuses them; the site's pages send them to set one up (users/middleware.py)."""
        requires_mfa = settings.STAFF_REQUIRE_MFA and user.is_staff and user.is_active
        if requires_mfa and request.path.startswith(API_PREFIX) and not user.has_second_factor():
            raise api_error(403, "staff_mfa_required", STAFF_MFA_REQUIRED)
        response: HttpResponse | None = super().pre_login(request, user, **kwargs)
        return response
