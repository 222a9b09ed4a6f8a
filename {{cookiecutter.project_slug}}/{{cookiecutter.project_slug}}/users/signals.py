"""Welcome every new user, however the account was made: the admin, createsuperuser, code."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from config.celery import enqueue_on_commit

from .models import User
from .tasks import send_welcome_email


@receiver(post_save, sender=User, dispatch_uid="welcome_new_user")
def welcome_new_user(instance: User, created: bool, raw: bool, **kwargs: object) -> None:
    """Queue the welcome email once the new user is committed (raw: loaded from a fixture)."""
    if created and not raw:
        enqueue_on_commit(send_welcome_email, instance.pk)
