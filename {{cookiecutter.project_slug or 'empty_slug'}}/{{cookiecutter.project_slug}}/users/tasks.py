"""Background tasks of the users app. Arguments are ids, not objects: task arguments are JSON."""

from celery import shared_task
from django.core.management import call_command


@shared_task
def delete_expired_sessions() -> None:
    """Hourly (CELERY_BEAT_SCHEDULE); running it twice, or late, does no harm."""
    # Expired sessions and API session tokens log no one in, but stay in the database until deleted.
    call_command("clearsessions")
