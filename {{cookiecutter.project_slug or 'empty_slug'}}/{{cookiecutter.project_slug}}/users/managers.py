"""How users are created and found: one place that normalises a login and hashes a password."""

{% if cookiecutter.username_type == "email" -%}
from typing import TYPE_CHECKING, Any

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.hashers import make_password

from {{ cookiecutter.project_slug }}.core.fetching import FetchPolicyManager

if TYPE_CHECKING:
    from .models import User


class UserManager(FetchPolicyManager["User"], BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> "User":
        """Find a login ignoring case, as the model's unique constraint does."""
        return self.get(email__iexact=username)

    def create_user(self, email: str, password: str | None = None, **extra_fields: Any) -> "User":
        if not email:
            raise ValueError("Users must have an email address.")
        # make_password(None) is an unusable password, as set_password(None) makes.
        return self.create(
            email=self.normalize_email(email), password=make_password(password), **extra_fields
        )

    def create_superuser(
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if extra_fields["is_staff"] is not True or extra_fields["is_superuser"] is not True:
            raise ValueError("A superuser must have is_staff=True and is_superuser=True.")
        return self.create_user(email, password, **extra_fields)
{%- else -%}
from typing import TYPE_CHECKING

from django.contrib.auth.models import UserManager as DjangoUserManager

from {{ cookiecutter.project_slug }}.core.fetching import FetchPolicyManager

if TYPE_CHECKING:
    from .models import User


class UserManager(FetchPolicyManager["User"], DjangoUserManager["User"]):
    """Users log in with a username; Django's create_user and create_superuser fit as they are."""

    def get_by_natural_key(self, username: str | None) -> "User":
        """Find a login ignoring case, as the model's unique constraint does."""
        return self.get(username__iexact=username)
{%- endif %}
