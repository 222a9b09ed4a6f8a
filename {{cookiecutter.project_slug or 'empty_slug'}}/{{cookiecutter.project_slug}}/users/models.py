"""The custom user model: in place from migration 0001, so it can grow without a painful swap."""

from typing import ClassVar

from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower

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

    def has_second_factor(self) -> bool:
        """An authenticator app or a passkey (recovery codes back those up, they are not one)."""
        factors = Authenticator.objects.filter(user=self)
        return bool(factors.exclude(type=Authenticator.Type.RECOVERY_CODES).exists())

    def end_sessions(self, *, keep: str | None = None) -> None:
        """Log out every browser session and API session token but the one whose key is `keep`."""
        # allauth's usersessions lists both kinds.
        for session in UserSession.objects.filter(user=self).exclude(session_key=keep):
            session.end()
