"""`manage.py demo_data` (run by `make demo`): something to sign in with and look at."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.shortcuts import resolve_url

{% if cookiecutter.include_example_app -%}
from {{ cookiecutter.project_slug }}.projects import demo as projects_demo
{% endif -%}
from {{ cookiecutter.project_slug }}.users.models import User

DEMO_PASSWORD = "demo-password"  # noqa: S105  # public on purpose: local demo accounts only
SITE = "http://127.0.0.1:8000"  # where `make demo` serves
# (name, staff): the staff account may do everything, in the admin too.
PEOPLE = [("staff", True), ("ada", False), ("grace", False)]


def account(name: str) -> dict[str, str]:
{%- if cookiecutter.username_type == "email" %}
    return {"email": f"{name}@example.com"}
{%- else %}
    return {"username": name, "email": f"{name}@example.com"}
{%- endif %}


def login_of(name: str) -> str:
    return account(name)[User.USERNAME_FIELD]


class Command(BaseCommand):
    help = "Load the demo data set (accounts to sign in with{% if cookiecutter.include_example_app %}, projects, tasks, labels{% endif %}); idempotent."

    created = 0  # rows this run added

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:  # development settings (config.settings.dev) turn it on
            raise CommandError(
                "DEBUG is off, as in production: the demo accounts share a public password."
            )
        with transaction.atomic():
            users = {name: self.user(name, staff=staff) for name, staff in PEOPLE}
{%- if cookiecutter.include_example_app %}
            self.created += projects_demo.load(users)
{%- endif %}
        self.report(users)

    def user(self, name: str, *, staff: bool) -> User:
        # Each row is created only when missing, so a second run changes nothing, not even a
        # password you changed since.
        existing = User.objects.filter(**{f"{User.USERNAME_FIELD}__iexact": login_of(name)})
        if user := existing.first():
            return user
        self.created += 1
        return User.objects.create_user(
            **account(name),
            password=DEMO_PASSWORD,
            first_name=name.title(),
            is_staff=staff,
            is_superuser=staff,
        )

    def report(self, users: dict[str, User]) -> None:
        if self.created:
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {self.created} new rows."))
        else:
            self.stdout.write("Demo data already loaded: nothing changed.")
        self.stdout.write(f"Sign in at {SITE}{resolve_url(settings.LOGIN_URL)} as")
        for user in users.values():
            role = f"staff: the admin too, {SITE}/{settings.ADMIN_URL}" if user.is_staff else "user"
            self.stdout.write(f"  {user.get_username():<24} ({role})")
        self.stdout.write(f"with the password {DEMO_PASSWORD!r}.")
