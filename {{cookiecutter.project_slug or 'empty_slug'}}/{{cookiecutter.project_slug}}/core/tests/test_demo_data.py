from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from pytest_django import Settings

from {{ cookiecutter.project_slug }}.core.management.commands.demo_data import DEMO_PASSWORD, PEOPLE, login_of
{%- if cookiecutter.include_example_app %}
from {{ cookiecutter.project_slug }}.projects.models import Label, Project, Task
{%- endif %}
from {{ cookiecutter.project_slug }}.users.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def debug(settings: Settings) -> None:
    settings.DEBUG = True  # as under config.settings.dev


def load() -> str:
    out = StringIO()
    call_command("demo_data", stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, list[Any]]:
    """Every row of the demo's models, every field: what "changes nothing" compares."""
    return {
        "users": list(User.objects.order_by("pk").values()),
{%- if cookiecutter.include_example_app %}
        "projects": list(Project.objects.order_by("pk").values()),
        "tasks": list(Task.objects.order_by("pk").values()),
        "labels": list(Label.objects.order_by("pk").values()),
        "task labels": list(Task.labels.through.objects.order_by("pk").values()),
{%- endif %}
    }


@pytest.mark.usefixtures("debug")
def test_demo_data_has_a_staff_account_and_users_who_can_sign_in() -> None:
    load()

    for name, staff in PEOPLE:
        user = authenticate(username=login_of(name), password=DEMO_PASSWORD)
        assert isinstance(user, User)
        assert user.is_staff is staff
    assert any(staff for _, staff in PEOPLE)
    assert not all(staff for _, staff in PEOPLE)
{%- if cookiecutter.include_example_app %}


@pytest.mark.usefixtures("debug")
def test_demo_data_gives_users_projects_with_tasks_and_labels() -> None:
    load()

    assert Project.objects.exists()
    assert Task.objects.filter(assignee__isnull=False).exists()
    assert Task.objects.filter(labels__isnull=False).exists()
    assert Label.objects.exists()


@pytest.mark.usefixtures("debug")
def test_demo_data_has_done_open_and_overdue_tasks() -> None:
    load()

    assert Task.objects.done().exists()
    assert Task.objects.open().exists()
    assert Task.objects.overdue().count() == 1
{%- endif %}


@pytest.mark.usefixtures("debug")
def test_demo_data_says_how_to_sign_in() -> None:
    output = load()

    assert "Demo data loaded" in output
    assert "http://127.0.0.1:8000/accounts/login/" in output
    assert all(login_of(name) in output for name, _ in PEOPLE)
    assert DEMO_PASSWORD in output


@pytest.mark.usefixtures("debug")
def test_loading_demo_data_twice_changes_nothing() -> None:
    load()
    first = snapshot()

    output = load()

    assert snapshot() == first
    assert "nothing changed" in output


def test_demo_data_refuses_to_run_without_debug(settings: Settings) -> None:
    settings.DEBUG = False  # as under config.settings.prod

    with pytest.raises(CommandError, match="DEBUG is off"):
        load()

    assert snapshot() == {name: [] for name in snapshot()}
