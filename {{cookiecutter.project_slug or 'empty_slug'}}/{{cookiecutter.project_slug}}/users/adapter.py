"""How django-allauth sends its emails (password reset, verification) and logs lockouts."""

import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
{%- if not cookiecutter.use_celery %}
from django.db import transaction
{%- endif %}
{%- if not cookiecutter.allow_signup %}
from django.http import Http404, HttpRequest
{%- endif %}
{%- if cookiecutter.use_celery %}

from {{ cookiecutter.project_slug }}.core.tasks import enqueue_on_commit

from .tasks import send_email
{%- endif %}

logger = logging.getLogger(__name__)


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
        """Staff create the accounts: allauth's registration page answers 404, as if absent."""
        raise Http404
{%- endif %}

    def pre_authenticate(self, request: Any, **credentials: Any) -> None:
        """Refuse a log-in during a lockout (ACCOUNT_RATE_LIMITS), and say so in the log."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            login = credentials.get("email") or credentials.get("username")
            logger.warning(
                "login refused, locked out: %r from %s", login, self.get_client_ip(request)
            )
            raise
