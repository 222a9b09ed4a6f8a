"""The example app's part of `manage.py demo_data` (core): projects, tasks and labels to look at."""

from datetime import timedelta

from django.utils import timezone

from {{ cookiecutter.project_slug }}.users.models import User

from .models import Label, Project, Task

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


def load(users: dict[str, User]) -> int:
    """Add what is missing and return how many rows that was. Seeded as if made earlier:
    assignees are set directly, so no one is emailed."""
    created = 0
    today = timezone.localdate()
    for project_name, owner, tasks in PROJECTS:
        project, new = Project.objects.get_or_create(owner=users[owner], name=project_name)
        created += new
        for title, assignee, label_names, due_in, done in tasks:
            task, new = Task.objects.get_or_create(
                project=project,
                title=title,
                defaults={
                    "assignee": users[assignee] if assignee else None,
                    "due_date": today + timedelta(days=due_in) if due_in is not None else None,
                    "completed_at": timezone.now() - timedelta(days=1) if done else None,
                },
            )
            created += new
            labels = []
            for name in label_names:
                label, new = Label.objects.get_or_create(owner=users[owner], name=name)
                created += new
                labels.append(label)
            if labels and not task.labels.exists():
                task.labels.set(labels)
    return created
