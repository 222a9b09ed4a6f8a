"""The example API for every role: anonymous, owner, another user, the assignee and staff."""

from collections.abc import Callable

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks
from rest_framework import status
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.projects import services
from {{ cookiecutter.project_slug }}.projects.models import Project, Task
from {{ cookiecutter.project_slug }}.projects.tests.factories import (
    LabelFactory,
    ProjectFactory,
    TaskFactory,
)
from {{ cookiecutter.project_slug }}.users.models import User

pytestmark = pytest.mark.django_db

PROJECTS_URL = reverse("project-list")
TASKS_URL = reverse("task-list")
LABELS_URL = reverse("label-list")


def task_url(task: Task, action: str = "detail") -> str:
    return reverse(f"task-{action}", args=[task.pk])


@pytest.mark.parametrize("url", [PROJECTS_URL, TASKS_URL, LABELS_URL])
def test_anonymous_gets_401(api_client: APIClient, url: str) -> None:
    assert api_client.get(url).status_code == status.HTTP_401_UNAUTHORIZED


def test_owner_lists_own_projects_with_counts(user_client: APIClient, task: Task) -> None:
    ProjectFactory.create()  # someone else's

    rows = user_client.get(PROJECTS_URL).json()["results"]

    assert [(row["id"], row["task_count"], row["open_task_count"]) for row in rows] == [
        (task.project_id, 1, 1)
    ]


def test_owner_creates_a_project(user_client: APIClient, user: User) -> None:
    response = user_client.post(PROJECTS_URL, {"name": "Launch"})

    assert response.status_code == status.HTTP_201_CREATED
    assert Project.objects.get(pk=response.json()["id"]).owner_id == user.pk


@pytest.mark.parametrize("client_name", ["other_client", "staff_client"])
def test_others_cannot_see_or_change_a_project(
    client_name: str, request: pytest.FixtureRequest, project: Project
) -> None:
    client: APIClient = request.getfixturevalue(client_name)
    url = reverse("project-detail", args=[project.pk])

    assert client.get(url).status_code == status.HTTP_404_NOT_FOUND
    assert client.patch(url, {"name": "Mine"}).status_code == status.HTTP_404_NOT_FOUND
    assert client.delete(url).status_code == status.HTTP_404_NOT_FOUND


def test_owner_sees_tasks_of_own_projects_only(user_client: APIClient, task: Task) -> None:
    TaskFactory.create()  # in someone else's project

    rows = user_client.get(TASKS_URL).json()["results"]

    assert [row["id"] for row in rows] == [task.pk]


def test_creating_an_assigned_task_emails_the_assignee(
    user_client: APIClient,
    project: Project,
    other_user: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    label = LabelFactory.create(owner=project.owner)
    payload = {
        "project": project.pk,
        "title": "Write the launch post",
        "assignee": other_user.pk,
        "labels": [label.pk],
        "due_date": timezone.localdate().isoformat(),
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.post(TASKS_URL, payload)

    assert response.status_code == status.HTTP_201_CREATED, response.json()
    assert response.json()["labels"] == [label.pk]
    assert [message.to for message in mail.outbox] == [[other_user.email]]


def test_an_assigned_task_needs_a_due_date(
    user_client: APIClient, project: Project, other_user: User
) -> None:
    payload = {"project": project.pk, "title": "Vague", "assignee": other_user.pk}

    response = user_client.post(TASKS_URL, payload)

    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert "due_date" in response.json()


def test_clearing_the_due_date_of_an_assigned_task_is_refused(
    user_client: APIClient, task: Task, other_user: User
) -> None:
    task.due_date = timezone.localdate()
    task.save()
    services.assign_task(task, other_user)

    response = user_client.patch(task_url(task), {"due_date": None})

    assert response.status_code == status.HTTP_400_BAD_REQUEST


def test_reassigning_through_the_api_emails_the_new_assignee(
    user_client: APIClient,
    task: Task,
    other_user: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    payload = {"assignee": other_user.pk, "due_date": timezone.localdate().isoformat()}

    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.patch(task_url(task), payload)

    assert response.status_code == status.HTTP_200_OK
    assert [message.to for message in mail.outbox] == [[other_user.email]]


def test_owner_renames_a_task(user_client: APIClient, task: Task) -> None:
    response = user_client.patch(task_url(task), {"title": "Renamed"})

    assert response.status_code == status.HTTP_200_OK
    task.refresh_from_db()
    assert task.title == "Renamed"


def test_tasks_only_go_into_own_projects_with_own_labels(
    user_client: APIClient, project: Project
) -> None:
    foreign_project = ProjectFactory.create()
    foreign_label = LabelFactory.create()

    into_foreign = user_client.post(TASKS_URL, {"project": foreign_project.pk, "title": "x"})
    with_foreign_label = user_client.post(
        TASKS_URL, {"project": project.pk, "title": "x", "labels": [foreign_label.pk]}
    )

    assert into_foreign.status_code == status.HTTP_400_BAD_REQUEST
    assert with_foreign_label.status_code == status.HTTP_400_BAD_REQUEST


def test_assignee_reads_and_completes_but_cannot_edit(
    other_client: APIClient, task: Task, other_user: User
) -> None:
    task.due_date = timezone.localdate()
    services.assign_task(task, other_user)

    assert other_client.get(task_url(task)).status_code == status.HTTP_200_OK
    assert other_client.patch(task_url(task), {"title": "Mine"}).status_code == 403
    assert other_client.delete(task_url(task)).status_code == 403
    completed = other_client.post(task_url(task, "complete"))
    assert completed.status_code == status.HTTP_200_OK
    assert completed.json()["is_done"] is True


@pytest.mark.parametrize("client_name", ["other_client", "staff_client"])
def test_strangers_cannot_touch_a_task(
    client_name: str, request: pytest.FixtureRequest, task: Task
) -> None:
    client: APIClient = request.getfixturevalue(client_name)

    assert client.get(task_url(task)).status_code == status.HTTP_404_NOT_FOUND
    assert client.post(task_url(task, "complete")).status_code == status.HTTP_404_NOT_FOUND


def test_owner_completes_reopens_and_deletes(user_client: APIClient, task: Task) -> None:
    assert user_client.post(task_url(task, "complete")).json()["is_done"] is True
    assert user_client.post(task_url(task, "reopen")).json()["is_done"] is False
    assert user_client.delete(task_url(task)).status_code == status.HTTP_204_NO_CONTENT


def test_tasks_filter_by_done(user_client: APIClient, project: Project) -> None:
    open_task, done_task = TaskFactory.create_batch(2, project=project)
    done_task.complete()

    def ids(done: str) -> list[int]:
        return [row["id"] for row in user_client.get(TASKS_URL, {"done": done}).json()["results"]]

    assert ids("true") == [done_task.pk]
    assert ids("false") == [open_task.pk]


def test_tasks_filter_by_one_label(user_client: APIClient, project: Project, user: User) -> None:
    label = LabelFactory.create(owner=user)
    labelled, _ = TaskFactory.create_batch(2, project=project)
    labelled.labels.add(label)

    response = user_client.get(TASKS_URL, {"labels": label.pk})

    assert [row["id"] for row in response.json()["results"]] == [labelled.pk]


@pytest.mark.parametrize("value", ["99999999999999999999", str(-(2**63) - 1), "1e30", "1.5", "x"])
def test_a_label_filter_that_is_no_label_is_a_400(user_client: APIClient, value: str) -> None:
    """Numbers beyond the id column's range were a server error (found by the fuzz test)."""
    response = user_client.get(TASKS_URL, {"labels": value})

    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert "labels" in response.json()


def test_labels_are_per_user(user_client: APIClient, user: User) -> None:
    LabelFactory.create(name="someone else's")

    created = user_client.post(LABELS_URL, {"name": "urgent"})
    duplicate = user_client.post(LABELS_URL, {"name": "urgent"})

    assert created.status_code == status.HTTP_201_CREATED
    assert duplicate.status_code == status.HTTP_400_BAD_REQUEST
    assert [row["name"] for row in user_client.get(LABELS_URL).json()["results"]] == ["urgent"]


def make_projects(user: User, count: int) -> None:
    for project in ProjectFactory.create_batch(count, owner=user):
        TaskFactory.create(project=project)


def make_tasks(user: User, count: int) -> None:
    project = ProjectFactory.create(owner=user)
    labels = LabelFactory.create_batch(2, owner=user)
    for _ in range(count):
        TaskFactory.create(project=project, assignee=user, labels=labels)


def make_labels(user: User, count: int) -> None:
    LabelFactory.create_batch(count, owner=user)


@pytest.mark.parametrize(
    ("url", "make"),
    [(PROJECTS_URL, make_projects), (TASKS_URL, make_tasks), (LABELS_URL, make_labels)],
)
def test_lists_cost_the_same_queries_for_5_and_50_rows(
    user_client: APIClient,
    user: User,
    url: str,
    make: Callable[[User, int], None],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    def queries_for(count: int) -> int:
        Task.objects.all().delete()
        make(user, count)
        with django_assert_max_num_queries(10) as captured:
            assert len(user_client.get(url, {"page_size": 100}).json()["results"]) >= count
        return len(captured)

    assert queries_for(5) == queries_for(50)
