"""The users app's operations with side effects: the admin, forms and API views call these."""

from {{ cookiecutter.project_slug }}.core.tasks import enqueue_on_commit

from .models import User
from .tasks import send_welcome_email


def welcome_new_user(user: User) -> None:
    """Email a new account's owner a welcome, once the account is committed (not if rolled back)."""
    enqueue_on_commit(send_welcome_email, user.pk)
