import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from {{ cookiecutter.project_slug }}.projects.tests.factories import (
    LabelFactory,
    ProjectFactory,
    TaskFactory,
)
from {{ cookiecutter.project_slug }}.users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def make_rows(count: int) -> None:
    for _ in range(count):
        TaskFactory.create(assignee=UserFactory.create(), labels=[LabelFactory.create()])


@pytest.mark.parametrize("model", ["project", "task", "label"])
def test_change_lists_cost_the_same_queries_for_5_and_50_rows(
    admin_client: Client, model: str, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    url = reverse(f"admin:projects_{model}_changelist")

    def queries_for(count: int) -> int:
        make_rows(count)
        with django_assert_max_num_queries(20) as captured:
            assert admin_client.get(url).status_code == 200
        return len(captured)

    assert queries_for(5) == queries_for(50)


def test_project_page_shows_its_tasks_inline(admin_client: Client) -> None:
    task = TaskFactory.create(project=ProjectFactory.create())

    response = admin_client.get(reverse("admin:projects_project_change", args=[task.project_id]))

    assert response.status_code == 200
    assert task.title in response.content.decode()


def test_search_finds_tasks_by_project_name(admin_client: Client) -> None:
    task = TaskFactory.create(project__name="Apollo")
    TaskFactory.create(project__name="Gemini")

    response = admin_client.get(reverse("admin:projects_task_changelist"), {"q": "apollo"})

    assert list(response.context["cl"].result_list) == [task]
