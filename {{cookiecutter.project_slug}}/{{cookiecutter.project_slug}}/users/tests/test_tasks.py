import pytest
from django.core import mail

from {{ cookiecutter.project_slug }}.users.models import User
from {{ cookiecutter.project_slug }}.users.tasks import send_welcome_email


@pytest.mark.django_db
def test_welcome_email_goes_to_the_user(user: User) -> None:
    send_welcome_email.delay(user.pk)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert "Welcome" in mail.outbox[0].subject
