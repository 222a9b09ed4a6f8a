"""The example pages: sign-in required, owners only, a fixed number of queries per page, and
every action both as a plain form post (a redirect) and through htmx (a partial of the page).
"""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks

from {{ cookiecutter.project_slug }}.projects.models import Project, Task
from {{ cookiecutter.project_slug }}.projects.tests.factories import (
    LabelFactory,
    ProjectFactory,
    TaskFactory,
)
from {{ cookiecutter.project_slug }}.users.models import User

pytestmark = pytest.mark.django_db

HTMX_REQUEST = {"HX-Request": "true"}  # what htmx sends with each of its requests
HTMX = "/static/vendor/htmx/htmx.min.js"


@pytest.fixture
def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def test_pages_ask_anonymous_visitors_to_log_in(client: Client, project: Project) -> None:
    for url in (reverse("projects:list"), project.get_absolute_url()):
        response = client.get(url)

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_list_shows_own_projects_only(signed_in: Client, project: Project) -> None:
    foreign = ProjectFactory.create(name="Not yours")

    page = signed_in.get(reverse("projects:list")).content.decode()

    assert project.name in page
    assert foreign.name not in page


def test_another_users_project_is_not_found(signed_in: Client) -> None:
    foreign = ProjectFactory.create()

    assert signed_in.get(foreign.get_absolute_url()).status_code == 404


def test_detail_lists_tasks_with_labels(signed_in: Client, task: Task) -> None:
    task.labels.add(LabelFactory.create(owner=task.project.owner, name="urgent"))

    page = signed_in.get(task.project.get_absolute_url()).content.decode()

    assert task.title in page
    assert "urgent" in page


def test_pages_run_no_inline_code(signed_in: Client, task: Task) -> None:
    page = signed_in.get(task.project.get_absolute_url()).content.decode()

    assert "<style" not in page
    assert re.findall(r"<script[^>]*>", page) == [f'<script src="{HTMX}" defer>']


@pytest.mark.parametrize(("status", "shown"), [("all", 2), ("open", 1), ("done", 1)])
def test_the_filter_shows_open_or_done_tasks(
    signed_in: Client, project: Project, status: str, shown: int
) -> None:
    TaskFactory.create(project=project, title="Still to do")
    TaskFactory.create(project=project, title="Finished").complete()

    response = signed_in.get(project.get_absolute_url(), {"status": status})

    assert len(response.context["tasks"]) == shown


def test_htmx_gets_the_task_section_alone(signed_in: Client, task: Task) -> None:
    response = signed_in.get(
        task.project.get_absolute_url(), {"status": "open"}, headers=HTMX_REQUEST
    )

    page = response.content.decode()
    assert page.lstrip().startswith('<section id="tasks"')
    assert task.title in page
    assert "<html" not in page


def test_creating_a_project_makes_the_user_its_owner(signed_in: Client, user: User) -> None:
    response = signed_in.post(reverse("projects:create"), {"name": "Launch"})

    project = Project.objects.get(name="Launch")
    assert project.owner_id == user.pk
    assert response["Location"] == project.get_absolute_url()


def test_creating_an_assigned_task_emails_the_assignee(
    signed_in: Client,
    project: Project,
    other_user: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    form = {
        "project": project.pk,
        "title": "Draft the plan",
        "assignee": other_user.pk,
        "due_date": timezone.localdate().isoformat(),
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(reverse("projects:task-create"), form)

    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    assert Task.objects.get(title="Draft the plan").assignee_id == other_user.pk
    assert [message.to for message in mail.outbox] == [[other_user.email]]


def test_the_task_form_starts_in_the_chosen_project(signed_in: Client, project: Project) -> None:
    response = signed_in.get(reverse("projects:task-create"), {"project": project.pk})

    assert response.context["form"].initial["project"] == str(project.pk)


def test_the_task_form_refuses_an_assignment_without_due_date(
    signed_in: Client, project: Project, other_user: User
) -> None:
    form = {"project": project.pk, "title": "Someday", "assignee": other_user.pk}

    response = signed_in.post(reverse("projects:task-create"), form)

    assert response.status_code == 200
    assert "Give a due date" in response.content.decode()
    assert not Task.objects.exists()


def test_a_task_added_without_javascript_redirects_to_its_project(
    signed_in: Client, project: Project
) -> None:
    response = signed_in.post(
        reverse("projects:task-create"), {"project": project.pk, "title": "Plan"}
    )

    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    assert project.tasks.get().title == "Plan"


def test_a_task_added_through_htmx_returns_the_section_with_an_empty_form(
    signed_in: Client, project: Project
) -> None:
    form = {"project": project.pk, "title": "Plan the launch"}

    response = signed_in.post(reverse("projects:task-create"), form, headers=HTMX_REQUEST)

    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="tasks"')
    assert '<td class="task-title">Plan the launch</td>' in page
    assert response.context["task_form"].is_bound is False


def test_an_invalid_task_through_htmx_shows_the_error_in_the_section(
    signed_in: Client, project: Project
) -> None:
    form = {"project": project.pk, "title": ""}

    response = signed_in.post(reverse("projects:task-create"), form, headers=HTMX_REQUEST)

    page = response.content.decode()
    assert page.lstrip().startswith('<section id="tasks"')
    assert "This field is required." in page
    assert not Task.objects.exists()


def test_a_task_in_a_foreign_project_through_htmx_gets_the_full_form(signed_in: Client) -> None:
    foreign = ProjectFactory.create()

    response = signed_in.post(
        reverse("projects:task-create"),
        {"project": foreign.pk, "title": "Sneak"},
        headers=HTMX_REQUEST,
    )

    assert response.status_code == 200
    assert "<h1>New task</h1>" in response.content.decode()
    assert not Task.objects.exists()


def test_completing_a_task_takes_a_post(signed_in: Client, task: Task) -> None:
    url = reverse("projects:task-complete", args=[task.pk])

    assert signed_in.get(url).status_code == 405
    response = signed_in.post(url)

    assert response["Location"] == task.project.get_absolute_url()
    task.refresh_from_db()
    assert task.is_done


def test_completing_a_task_through_htmx_returns_its_row(signed_in: Client, task: Task) -> None:
    url = reverse("projects:task-complete", args=[task.pk])

    response = signed_in.post(url, headers=HTMX_REQUEST)

    row = response.content.decode().strip()
    assert row.startswith(f'<tr id="task-{task.pk}" class="done">')
    assert "Reopen" in row
    task.refresh_from_db()
    assert task.is_done


def test_reopening_a_task_without_javascript_redirects_to_its_project(
    signed_in: Client, task: Task
) -> None:
    task.complete()

    response = signed_in.post(reverse("projects:task-reopen", args=[task.pk]))

    assert response["Location"] == task.project.get_absolute_url()
    task.refresh_from_db()
    assert not task.is_done


def test_reopening_a_task_through_htmx_returns_its_row(signed_in: Client, task: Task) -> None:
    task.complete()

    response = signed_in.post(reverse("projects:task-reopen", args=[task.pk]), headers=HTMX_REQUEST)

    row = response.content.decode().strip()
    assert row.startswith(f'<tr id="task-{task.pk}">')
    assert "Mark done" in row


def test_nobody_completes_a_task_they_cannot_see(signed_in: Client) -> None:
    foreign = TaskFactory.create()

    response = signed_in.post(reverse("projects:task-complete", args=[foreign.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("page", ["list", "detail"])
def test_pages_cost_the_same_queries_for_5_and_50_rows(
    signed_in: Client, user: User, page: str, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    project = ProjectFactory.create(owner=user)
    url = reverse("projects:list") if page == "list" else project.get_absolute_url()

    def queries_for(count: int) -> int:
        ProjectFactory.create_batch(count, owner=user)
        labels = LabelFactory.create_batch(2, owner=user)
        for _ in range(count):
            TaskFactory.create(project=project, assignee=user, labels=labels)
        with django_assert_max_num_queries(15) as captured:
            assert signed_in.get(url).status_code == 200
        return len(captured)

    assert queries_for(5) == queries_for(50)
