"""The example app's operations with side effects: forms, serializers, the admin and tasks call
these, so that a rule such as "assigning a task emails the assignee" is written once.
"""

{% if cookiecutter.use_celery -%}
from {{ cookiecutter.project_slug }}.core.tasks import enqueue_on_commit
{% else -%}
from django.db import transaction

{% endif -%}
from {{ cookiecutter.project_slug }}.users.models import User

from .models import Task
{%- if cookiecutter.use_celery %}
from .tasks import send_assignment_email
{%- endif %}


def assign_task(task: Task, assignee: User | None) -> None:
    """Give `task` to `assignee` and email them once that is committed; no change, no email."""
    if (assignee.pk if assignee else None) == task.assignee_id:
        return
    task.assignee = assignee
    task.save(update_fields=["assignee"])
    if assignee is not None:
{%- if cookiecutter.use_celery %}
        enqueue_on_commit(send_assignment_email, task.pk)
{%- else %}
        transaction.on_commit(task.assignment_email(assignee).send)
{%- endif %}
