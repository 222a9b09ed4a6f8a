import factory
from factory.django import DjangoModelFactory

from {{ cookiecutter.project_slug }}.projects.models import Label, Project, Task
from {{ cookiecutter.project_slug }}.users.tests.factories import UserFactory


class ProjectFactory(DjangoModelFactory[Project]):
    class Meta:
        model = Project

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Project {n}")


class LabelFactory(DjangoModelFactory[Label]):
    class Meta:
        model = Label

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"label-{n}")


class TaskFactory(DjangoModelFactory[Task]):
    class Meta:
        model = Task
        skip_postgeneration_save = True

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Task {n}")

    @factory.post_generation
    def labels(self, create: bool, extracted: list[Label] | None) -> None:
        if create and extracted:
            self.labels.set(extracted)
