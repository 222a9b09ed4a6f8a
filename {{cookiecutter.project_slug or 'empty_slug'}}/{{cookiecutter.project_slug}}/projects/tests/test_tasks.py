import pytest
from django.core import mail

from {{ cookiecutter.project_slug }}.projects.models import Task
from {{ cookiecutter.project_slug }}.projects.tasks import send_assignment_email
from {{ cookiecutter.project_slug }}.users.models import User

pytestmark = pytest.mark.django_db


def test_the_task_emails_the_assignee(task: Task, other_user: User) -> None:
    Task.objects.filter(pk=task.pk).update(assignee=other_user)

    send_assignment_email.delay(task.pk)

    assert [message.to for message in mail.outbox] == [[other_user.email]]


def test_a_task_unassigned_meanwhile_needs_no_email(task: Task) -> None:
    send_assignment_email.delay(task.pk)

    assert mail.outbox == []


def test_a_deleted_task_needs_no_email(task: Task) -> None:
    task_id = task.pk
    task.delete()

    send_assignment_email.delay(task_id)

    assert mail.outbox == []
