import pytest

from {{ cookiecutter.project_slug }}.projects.models import Project, Task
from {{ cookiecutter.project_slug }}.projects.tests.factories import ProjectFactory, TaskFactory
from {{ cookiecutter.project_slug }}.users.models import User


@pytest.fixture
def project(user: User) -> Project:
    return ProjectFactory.create(owner=user)


@pytest.fixture
def task(project: Project) -> Task:
    return TaskFactory.create(project=project)
