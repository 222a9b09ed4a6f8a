"""Background tasks of the users app. Arguments are ids, not objects: task arguments are JSON."""

from importlib import import_module

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, send_mail

from {{ cookiecutter.project_slug }}.core.tasks import email_task
from {{ cookiecutter.project_slug }}.idempotency.models import IdempotencyKey

from .models import User


@email_task
def send_email(subject: str, body: str, from_email: str, to: list[str]) -> None:
    """Send an account email (password reset, verification) rendered by users/adapter.py.

    Not deduplicated like the welcome email: a second copy of a reset link does no harm.
    """
    EmailMessage(subject, body, from_email, to).send()


@email_task
def send_welcome_email(user_id: int) -> str:
    """Greet a new user, once however many times this runs (queued by services.py)."""
    user = User.objects.filter(pk=user_id).first()
    if user is None or not user.email:
        return "skipped: no such user, or no email address"
    sent = IdempotencyKey.objects.run_once(
        f"welcome-email:{user_id}",
        lambda: send_mail(
            subject={{ ("Welcome to " ~ cookiecutter.project_name) | tojson }},
            message=f"Hello {user.get_short_name() or user.get_username()}, your account is ready.",
            from_email=None,
            recipient_list=[user.email],
        ),
    )
    return "sent" if sent else "already sent"


@shared_task
def delete_expired_sessions() -> None:
    """Hourly housekeeping (CELERY_BEAT_SCHEDULE), as `manage.py clearsessions` does.

    Expired sessions (browser log-ins and API session tokens) no longer log anyone in, but stay
    in the database until deleted. Running it twice, or late, does no harm.
    """
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
