"""Background tasks of the users app. Arguments are ids, not objects: task arguments are JSON."""

from importlib import import_module

from celery import shared_task
from django.conf import settings


@shared_task
def delete_expired_sessions() -> None:
    """Hourly housekeeping (CELERY_BEAT_SCHEDULE), as `manage.py clearsessions` does.

    Expired sessions (browser log-ins and API session tokens) no longer log anyone in, but stay
    in the database until deleted. Running it twice, or late, does no harm.
    """
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
