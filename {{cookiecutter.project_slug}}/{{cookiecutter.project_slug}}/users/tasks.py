from celery import shared_task
from django.core.mail import send_mail

from .models import User


@shared_task
def send_welcome_email(user_id: int) -> None:
    """Greet a new user. Takes an id, not a User: task arguments must be JSON."""
    user = User.objects.get(pk=user_id)
    send_mail(
        subject={{ ("Welcome to " ~ cookiecutter.project_name) | tojson }},
        message=f"Hello {user.get_short_name() or user.get_username()}, your account is ready.",
        from_email=None,
        recipient_list=[user.email],
    )
