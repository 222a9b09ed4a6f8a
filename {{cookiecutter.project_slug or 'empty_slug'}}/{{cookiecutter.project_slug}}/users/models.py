"""The custom user model: in place from migration 0001, so it can grow without a painful swap."""

from datetime import datetime
from typing import ClassVar

from allauth.usersessions.models import UserSession
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from knox.models import AuthToken

from .managers import UserManager


class User(AbstractUser):
{%- if cookiecutter.username_type == "email" %}
    # Email is the login: required, unique, and the username field is gone.
    username = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    # Not a subclass of Django's UserManager, which needs a username: hence the ignore.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]
{%- else %}
    objects: ClassVar[UserManager] = UserManager()
{%- endif %}

    class Meta:
        ordering = ["{{ cookiecutter.username_type }}"]
        constraints = [
            # "Ada" and "ada" are one login: no look-alike accounts, no case-sensitive sign-in.
            models.UniqueConstraint(
                Lower("{{ cookiecutter.username_type }}"),
                name="unique_{{ cookiecutter.username_type }}_ignoring_case",
                violation_error_message="A user with that {{ cookiecutter.username_type }} already exists.",
            ),
        ]

    def __str__(self) -> str:
        return self.get_username()

    def issue_token(self) -> tuple[str, datetime]:
        """A new API token and its expiry. Only a digest is stored: the token is shown once."""
        instance, token = AuthToken.objects.create(user=self)
        return token, instance.expiry

    def revoke_all_tokens(self) -> None:
        AuthToken.objects.filter(user=self).delete()

    def log_out_everywhere(self) -> None:
        """End every browser session (allauth's usersessions tracks them) and revoke every token."""
        for session in UserSession.objects.filter(user=self):
            session.end()
        self.revoke_all_tokens()
