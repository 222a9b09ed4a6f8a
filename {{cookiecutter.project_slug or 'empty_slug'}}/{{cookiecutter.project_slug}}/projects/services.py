"""The example app's operations with side effects: forms, serializers, the admin and tasks call
these, so that a rule such as "assigning a task emails the assignee" is written once.
"""

from {{ cookiecutter.project_slug }}.core.email import send_after_commit
from {{ cookiecutter.project_slug }}.users.models import User

from .models import Task


def assign_task(task: Task, assignee: User | None) -> None:
    """Give `task` to `assignee` and email them once that is committed; no change, no email."""
    if (assignee.pk if assignee else None) == task.assignee_id:
        return
    task.assignee = assignee
    task.save(update_fields=["assignee"])
    if assignee is not None:
        send_after_commit(task.assignment_email(assignee))
