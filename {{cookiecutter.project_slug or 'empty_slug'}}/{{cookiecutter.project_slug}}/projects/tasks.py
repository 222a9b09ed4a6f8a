from {{ cookiecutter.project_slug }}.core.tasks import email_task

from .models import Task


@email_task
def send_assignment_email(task_id: int) -> None:
    """Email a task's assignee; a task deleted or unassigned meanwhile needs no email."""
    task = Task.objects.with_related().filter(pk=task_id).first()
    if task is not None and task.assignee is not None:
        task.assignment_email(task.assignee).send()
