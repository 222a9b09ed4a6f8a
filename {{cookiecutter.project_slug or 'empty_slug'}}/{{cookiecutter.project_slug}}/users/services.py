"""The users app's operations with side effects: the admin, forms and API views call these."""

from django.core.mail import EmailMessage

from {{ cookiecutter.project_slug }}.core.email import send_after_commit

from .models import User


def welcome_new_user(user: User) -> None:
    """Email a new account's owner a welcome once the account is committed (not if rolled back)."""
    if not user.email:  # nowhere to send it
        return
    greeting = f"Hello {user.get_short_name() or user.get_username()}, your account is ready."
    message = EmailMessage({{ ("Welcome to " ~ cookiecutter.project_name) | tojson }}, greeting, to=[user.email])
    send_after_commit(message, once_key=f"welcome-email:{user.pk}")
