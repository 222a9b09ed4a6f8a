from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from {{ cookiecutter.project_slug }}.projects.models import Project, Task
from {{ cookiecutter.project_slug }}.projects.tests.factories import ProjectFactory, TaskFactory
from {{ cookiecutter.project_slug }}.users.models import User
from {{ cookiecutter.project_slug }}.users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_complete_marks_a_task_done_once(task: Task) -> None:
    task.complete()
    first = task.completed_at
    task.complete()

    assert task.is_done
    assert task.completed_at == first


def test_reopen_makes_a_task_open_again(task: Task) -> None:
    task.complete()

    task.reopen()

    assert not task.is_done
    assert Task.objects.open().filter(pk=task.pk).exists()


def test_only_an_open_task_past_its_due_date_is_overdue(project: Project) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    late = TaskFactory.create(project=project, due_date=yesterday)
    done_late = TaskFactory.create(project=project, due_date=yesterday)
    done_late.complete()
    undated = TaskFactory.create(project=project, due_date=None)
    today = TaskFactory.create(project=project, due_date=timezone.localdate())

    assert late.is_overdue
    assert not any(task.is_overdue for task in (done_late, undated, today))


def test_with_status_filters_open_or_done_tasks(project: Project) -> None:
    open_task = TaskFactory.create(project=project)
    done_task = TaskFactory.create(project=project)
    done_task.complete()

    assert list(Task.objects.with_status("open")) == [open_task]
    assert list(Task.objects.with_status("done")) == [done_task]
    assert set(Task.objects.with_status("all")) == {open_task, done_task}


def test_assignment_email_tells_the_assignee_about_the_task(task: Task, other_user: User) -> None:
    email = task.assignment_email(other_user)

    assert email.to == [other_user.email]
    assert task.title in email.subject
    assert task.project.name in email.body


def test_open_done_and_overdue_tasks(project: Project) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    late = TaskFactory.create(project=project, due_date=yesterday)
    on_time = TaskFactory.create(project=project, due_date=timezone.localdate())
    finished = TaskFactory.create(project=project, due_date=yesterday)
    finished.complete()

    assert set(Task.objects.open()) == {late, on_time}
    assert list(Task.objects.done()) == [finished]
    assert list(Task.objects.overdue()) == [late]


def test_for_user_holds_own_and_assigned_tasks_only(user: User, other_user: User) -> None:
    own = TaskFactory.create(project__owner=user)
    assigned = TaskFactory.create(assignee=user)
    TaskFactory.create(project__owner=other_user)

    assert set(Task.objects.for_user(user)) == {own, assigned}


def test_projects_count_their_tasks(user: User) -> None:
    project = ProjectFactory.create(owner=user)
    TaskFactory.create_batch(2, project=project)
    TaskFactory.create(project=project).complete()

    counted = Project.objects.owned_by(user).with_task_counts().get()

    assert (counted.task_count, counted.open_task_count) == (3, 2)  # type: ignore[attr-defined]


def test_an_assigned_task_needs_a_due_date() -> None:
    with pytest.raises(ValidationError, match="due date"):
        Task.check_schedule(assigned=True, due_date=None)

    Task.check_schedule(assigned=False, due_date=None)
    Task.check_schedule(assigned=True, due_date=timezone.localdate())


def test_names_read_as_strings(task: Task) -> None:
    label = UserFactory.create().labels.create(name="urgent")

    assert (str(task), str(task.project), str(label)) == (task.title, task.project.name, "urgent")
    assert task.project.get_absolute_url() == f"/projects/{task.project.pk}/"
