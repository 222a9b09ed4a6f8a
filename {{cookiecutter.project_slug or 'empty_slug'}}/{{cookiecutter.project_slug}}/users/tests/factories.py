import factory
{%- if cookiecutter.allow_signup %}
from allauth.account.models import EmailAddress
{%- endif %}
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
{%- if cookiecutter.allow_signup %}

    @factory.post_generation
    def verified_email(user: User, *args: object, **kwargs: object) -> None:  # noqa: N805
        """A verified address, as a user who signed up and followed the link has: without one,
        mandatory verification refuses the log-in (test_signup.py makes unverified users).
        Saved, so UserFactory.create() only."""
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
{%- endif %}
