import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from {{ cookiecutter.project_slug }}.projects import services
from {{ cookiecutter.project_slug }}.projects.models import Task
from {{ cookiecutter.project_slug }}.users.models import User

pytestmark = pytest.mark.django_db


def test_assigning_emails_the_assignee_after_commit(
    task: Task, other_user: User, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.assign_task(task, other_user)
        assert mail.outbox == []  # nothing leaves before the transaction commits

    assert Task.objects.get(pk=task.pk).assignee_id == other_user.pk
    assert [message.to for message in mail.outbox] == [[other_user.email]]
    assert task.title in mail.outbox[0].subject


def test_assigning_the_same_person_again_sends_nothing(
    task: Task, other_user: User, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    services.assign_task(task, other_user)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.assign_task(task, other_user)

    assert callbacks == []


def test_unassigning_sends_nothing(
    task: Task, other_user: User, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    services.assign_task(task, other_user)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.assign_task(task, None)

    assert Task.objects.get(pk=task.pk).assignee is None
    assert callbacks == []


def test_assigning_in_the_admin_emails_the_assignee(
    admin_client: Client,
    task: Task,
    other_user: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    form = {
        "project": task.project_id,
        "title": task.title,
        "assignee": other_user.pk,
        "due_date": timezone.localdate().isoformat(),
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:projects_task_change", args=[task.pk]), form)

    assert response.status_code == 302
    assert Task.objects.get(pk=task.pk).assignee_id == other_user.pk
    assert [message.to for message in mail.outbox] == [[other_user.email]]


def test_saving_in_the_admin_without_reassigning_sends_nothing(
    admin_client: Client,
    task: Task,
    other_user: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    services.assign_task(task, other_user)
    form = {"project": task.project_id, "title": "Renamed", "assignee": other_user.pk}

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post(reverse("admin:projects_task_change", args=[task.pk]), form)

    assert response.status_code == 302
    assert Task.objects.get(pk=task.pk).title == "Renamed"
    assert callbacks == []
