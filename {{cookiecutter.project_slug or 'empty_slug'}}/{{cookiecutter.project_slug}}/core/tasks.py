"""The tasks every app shares, and the one way to queue a task: after the commit."""

from functools import partial
from smtplib import SMTPConnectError, SMTPServerDisconnected
from typing import TYPE_CHECKING, Any

from celery import shared_task
from django.core.mail import EmailMessage
from django.db import transaction

from .models import IdempotencyKey

if TYPE_CHECKING:
    from celery.app.task import Task

# Failures that pass: the mail server is down, restarting or slow. A refused address will not.
TRANSIENT_MAIL_ERRORS = (ConnectionError, TimeoutError, SMTPConnectError, SMTPServerDisconnected)


@shared_task(
    autoretry_for=TRANSIENT_MAIL_ERRORS,
    max_retries=8,
    retry_backoff=5,  # wait up to 5 s, 10 s, 20 s... before each retry
    retry_backoff_max=600,  # below the broker's visibility timeout (config/settings/base.py)
    retry_jitter=True,  # a random part of that, so retries do not all hit a recovering server
)
def send_email(subject: str, body: str, from_email: str, to: list[str], once_key: str) -> bool:
    """Send an email queued by core/email.py; return whether it was sent (not before, by key)."""
    message = EmailMessage(subject, body, from_email, to)
    if once_key:
        return IdempotencyKey.objects.run_once(once_key, message.send)
    message.send()
    return True


def enqueue_on_commit[**P](task: "Task[P, Any]", *args: P.args, **kwargs: P.kwargs) -> None:
    """Queue `task` when the current transaction commits (at once outside one)."""
    # So that it never runs before the rows it needs exist, nor for work rolled back. A broker
    # outage then is logged (robust=True): it cannot undo committed work, and must not fail the
    # request.
    transaction.on_commit(partial(task.delay, *args, **kwargs), robust=True)
