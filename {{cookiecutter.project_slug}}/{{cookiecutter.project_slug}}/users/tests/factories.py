import factory
from factory.django import DjangoModelFactory

from {{ cookiecutter.project_slug }}.users.models import User

PASSWORD = "correct-horse-battery-staple"  # noqa: S105  # known to tests that log in


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
{%- if cookiecutter.username_type == "username" %}
    username = factory.Sequence(lambda n: f"user{n}")
{%- endif %}
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password(PASSWORD)
