from smtplib import SMTPException

from celery import shared_task

from .models import Task


@shared_task(
    autoretry_for=(SMTPException, ConnectionError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def email_assignee(task_id: int) -> None:
    """Email a task's assignee; a task deleted or unassigned meanwhile needs no email."""
    task = Task.objects.with_related().filter(pk=task_id).first()
    if task is not None:
        task.email_assignee()
