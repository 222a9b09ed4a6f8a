"""System checks of the whole project, registered when the core app is ready."""

from django.conf import settings
from django.core import checks


@checks.register()
def report_eager_tasks(*args: object, **kwargs: object) -> list[checks.CheckMessage]:
    """Say so at start-up when tasks run in-process instead of on a worker."""
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        return []
    return [
        checks.Info(
            "Celery tasks run eagerly, in-process: no broker is configured.",
            hint="Set REDIS_URL (or CELERY_BROKER_URL) and start `make worker` to use a worker.",
            id="core.I001",
        )
    ]
