"""The Celery app: configured from the CELERY_* Django settings; finds each app's tasks.py."""

import os

from celery import Celery, signals

# Production settings unless told otherwise, like config/wsgi.py: a production install has no
# dev dependencies, so a worker must never start on dev settings.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")

app = Celery("{{ cookiecutter.project_slug }}")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect
def keep_django_logging(**kwargs: object) -> None:
    """Workers and beat log through Django's LOGGING, as the web process does, not Celery's own."""


@signals.worker_init.connect
@signals.beat_init.connect
def require_a_broker(**kwargs: object) -> None:
    """Stop a worker or beat at once when tasks run in-process: nothing would reach them."""
    if app.conf.task_always_eager:
        raise SystemExit("No broker configured: set REDIS_URL (or CELERY_BROKER_URL) first.")
