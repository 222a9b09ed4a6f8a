"""Database queries per request of every list endpoint, at 10 and at 100 rows (not a test).

Runs inside the baked project (its test settings, an in-memory SQLite database): makes N rows
for each list endpoint with the project's own factories, then counts the queries of one request.
A list without N+1 queries costs the same at 10 rows as at 100.
"""

import json
from pathlib import Path

from benchmarks.in_bake import run_in_bake, slug_of

SCRIPT = """\
import json, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext, setup_test_environment
from rest_framework.test import APIClient

setup_test_environment()
call_command("migrate", verbosity=0)
from {slug}.users.tests.factories import UserFactory

staff = UserFactory.create(is_staff=True)
client = APIClient()
client.force_authenticate(staff)
makers = {{"/api/users/": lambda n: UserFactory.create_batch(n)}}
try:
    from {slug}.projects.models import Label, Project, Task
    from {slug}.projects.tests.factories import LabelFactory, ProjectFactory, TaskFactory
except ImportError:  # baked without the example app
    pass
else:
    def tasks(n):
        project = ProjectFactory.create(owner=staff)
        labels = LabelFactory.create_batch(2, owner=staff)
        for _ in range(n):
            TaskFactory.create(project=project, assignee=staff, labels=labels)
    makers |= {{
        "/api/projects/": lambda n: [TaskFactory.create(project__owner=staff) for _ in range(n)],
        "/api/tasks/": tasks,
        "/api/labels/": lambda n: LabelFactory.create_batch(n, owner=staff),
    }}

counts = {{}}
for url, make in makers.items():
    for rows in (10, 100):
        if url != "/api/users/":
            for model in (Task, Project, Label):
                model.objects.all().delete()
        make(rows)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {{"page_size": 100}})
        assert response.status_code == 200, (url, response.status_code)
        counts.setdefault(url, {{}})[rows] = len(queries)
print(json.dumps(counts))
"""


def measure(project: Path, env: dict[str, str]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = json.loads(
        run_in_bake(project, SCRIPT.format(slug=slug_of(project)), env)
    )
    return counts
