"""The one way the project sends email: after the commit, and never as a server error."""

from django.core.mail import EmailMessage
{%- if cookiecutter.use_celery %}

from .tasks import enqueue_on_commit, send_email
{%- else %}
from django.db import transaction
{%- endif %}


def send_after_commit(message: EmailMessage, *, once_key: str = "") -> None:
    """Send `message` once the current transaction commits (at once outside one), never if it
    rolls back: no email about a change that did not happen.
{%- if cookiecutter.use_celery %}"""
    # A worker sends it (core/tasks.py), retrying while the mail server is unreachable, so no page
    # waits for it; with a `once_key`, once however often the task runs.
    # Task arguments are JSON: the message travels as plain text.
    subject, body = str(message.subject), str(message.body)
    enqueue_on_commit(send_email, subject, body, message.from_email, message.to, once_key)
{%- else %}

    Sent in-process, by the request: a failure is logged, not raised, since its work committed.
    `once_key` guards against a task queue's redeliveries; sent in-process, an email leaves once.
    """
    del once_key
    transaction.on_commit(message.send, robust=True)
{%- endif %}
