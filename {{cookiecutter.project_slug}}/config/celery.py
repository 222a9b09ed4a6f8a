"""The Celery app: configured from the CELERY_* Django settings; finds each app's tasks.py."""

import os

from celery import Celery
from django.conf import settings
from django.core import checks

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")

app = Celery("{{ cookiecutter.project_slug }}")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@checks.register()
def report_eager_tasks(*args: object, **kwargs: object) -> list[checks.CheckMessage]:
    """Say so at start-up when tasks run in-process instead of on a worker."""
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        return []
    return [
        checks.Info(
            "Celery tasks run eagerly, in-process: no broker is configured.",
            hint="Set REDIS_URL (or CELERY_BROKER_URL) and start `make worker` to use a worker.",
            id="config.I001",
        )
    ]
