"""`manage.py demo_data` (run by `make demo`): something to sign in with and look at.

Idempotent: each row is found by its natural key and created only when missing, so a second run
changes nothing, not even a password you changed since. Development only: the password is public.
"""

{% if cookiecutter.include_example_app -%}
from datetime import timedelta
{% endif -%}
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.shortcuts import resolve_url
{%- if cookiecutter.include_example_app %}
from django.utils import timezone
{%- endif %}

{% if cookiecutter.include_example_app -%}
from {{ cookiecutter.project_slug }}.projects.models import Label, Project, Task
{% endif -%}
from {{ cookiecutter.project_slug }}.users.models import User

DEMO_PASSWORD = "demo-password"  # noqa: S105  # public on purpose: local demo accounts only
SITE = "http://127.0.0.1:8000"  # where `make demo` serves
# (name, staff): the staff account may do everything, in the admin too.
PEOPLE = [("staff", True), ("ada", False), ("grace", False)]
{%- if cookiecutter.include_example_app %}
# A task: title, assignee, label names, days until it is due (negative: past), done?
type DemoTask = tuple[str, str | None, list[str], int | None, bool]
PROJECTS: list[tuple[str, str, list[DemoTask]]] = [  # name, owner, tasks
    (
        "Website relaunch",
        "ada",
        [
            ("Write the announcement", "grace", ["docs"], 3, False),
            ("Fix the broken links", "ada", ["urgent", "bug"], -2, False),  # overdue
            ("Choose the new colours", "ada", ["design"], 10, False),
            ("Draft the sitemap", "grace", ["docs"], -6, True),
            ("Set up page analytics", None, [], None, True),
        ],
    ),
    (
        "Team offsite",
        "ada",
        [
            ("Book the venue", "ada", ["urgent"], 14, False),
            ("Collect dietary needs", None, [], None, False),
            ("Pick the dates", "grace", [], -20, True),
        ],
    ),
    ("Quarterly report", "grace", [("Gather the numbers", "grace", [], 5, False)]),
]
{%- endif %}


def account(name: str) -> dict[str, str]:
    """The fields that identify a demo account: its login first."""
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
        if not settings.DEBUG:
            message = (
                "Refusing to load demo data: DEBUG is off, as in production. Its accounts share "
                "a public password; run it with development settings (config.settings.dev)."
            )
            raise CommandError(message)
        with transaction.atomic():
            users = {name: self.user(name, staff=staff) for name, staff in PEOPLE}
{%- if cookiecutter.include_example_app %}
            self.projects(users)
{%- endif %}
        self.report(users)

    def user(self, name: str, *, staff: bool) -> User:
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
{%- if cookiecutter.include_example_app %}

    def projects(self, users: dict[str, User]) -> None:
        """Seeded as if made earlier: assignees are set directly, so no one is emailed."""
        today = timezone.localdate()
        for project_name, owner, tasks in PROJECTS:
            project, created = Project.objects.get_or_create(owner=users[owner], name=project_name)
            self.created += created
            for title, assignee, label_names, due_in, done in tasks:
                due_date = today + timedelta(days=due_in) if due_in is not None else None
                assigned = users[assignee] if assignee else None
                task, created = Task.objects.get_or_create(
                    project=project,
                    title=title,
                    defaults={
                        "assignee": assigned,
                        "due_date": due_date,
                        "completed_at": timezone.now() - timedelta(days=1) if done else None,
                    },
                )
                self.created += created
                labels = [self.label(users[owner], name) for name in label_names]
                if labels and not task.labels.exists():
                    task.labels.set(labels)

    def label(self, owner: User, name: str) -> Label:
        label, created = Label.objects.get_or_create(owner=owner, name=name)
        self.created += created
        return label
{%- endif %}

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
