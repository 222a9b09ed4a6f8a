from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.mail import EmailMessage, send_mail
from django.utils import timezone

from config.celery import app
from {{ cookiecutter.project_slug }}.core.tasks import TRANSIENT_MAIL_ERRORS
from {{ cookiecutter.project_slug }}.users import tasks
from {{ cookiecutter.project_slug }}.users.models import User
from {{ cookiecutter.project_slug }}.users.tasks import (
    delete_expired_sessions,
    send_email,
    send_welcome_email,
)

pytestmark = pytest.mark.django_db


def failing_first(times: int, send: Callable[..., int]) -> Callable[..., int]:
    """`send`, except that its first `times` calls fail as an unreachable mail server does."""
    calls = 0

    def flaky_send(*args: object, **kwargs: object) -> int:
        nonlocal calls
        calls += 1
        if calls <= times:
            raise ConnectionRefusedError("the mail server is down")
        return send(*args, **kwargs)

    return flaky_send


@pytest.fixture
def retries_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run retries at once, in-process: an in-process task that propagates errors cannot retry."""
    monkeypatch.setitem(app.conf, "task_eager_propagates", False)


def test_welcome_email_goes_to_the_user(user: User) -> None:
    result = send_welcome_email.delay(user.pk)

    assert result.get() == "sent"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert "Welcome" in mail.outbox[0].subject


def test_welcome_email_is_sent_once_however_often_the_task_runs(user: User) -> None:
    send_welcome_email.delay(user.pk)

    result = send_welcome_email.delay(user.pk)

    assert result.get() == "already sent"
    assert len(mail.outbox) == 1


@pytest.mark.usefixtures("retries_in_process")
def test_welcome_email_is_retried_when_the_mail_server_is_down(
    user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tasks, "send_mail", failing_first(2, send_mail))

    result = send_welcome_email.delay(user.pk)

    assert result.get() == "sent"
    assert len(mail.outbox) == 1


@pytest.mark.usefixtures("retries_in_process")
def test_welcome_email_gives_up_after_its_retries(
    user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tasks, "send_mail", failing_first(100, send_mail))

    result = send_welcome_email.delay(user.pk)

    with pytest.raises(ConnectionRefusedError):
        result.get()

    assert mail.outbox == []


@pytest.mark.parametrize("task", [send_welcome_email, send_email])
def test_email_tasks_retry_with_exponential_backoff_and_jitter(task: Any) -> None:
    # celery-types does not declare the autoretry options, hence Any.
    assert task.autoretry_for == TRANSIENT_MAIL_ERRORS
    assert task.retry_backoff == 5
    assert task.retry_jitter is True
    assert task.max_retries == 8


@pytest.mark.usefixtures("retries_in_process")
def test_an_account_email_is_retried_when_the_mail_server_is_down(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(EmailMessage, "send", failing_first(2, EmailMessage.send))

    send_email.delay("Reset", "Follow the link", "noreply@example.com", ["ada@example.com"]).get()

    assert [(message.subject, message.to) for message in mail.outbox] == [
        ("Reset", ["ada@example.com"])
    ]


def test_welcome_email_skips_a_user_without_an_email_address(user: User) -> None:
    User.objects.filter(pk=user.pk).update(email="")

    result = send_welcome_email.delay(user.pk)

    assert result.get().startswith("skipped")
    assert mail.outbox == []


def test_welcome_email_skips_a_deleted_user(user: User) -> None:
    user_id = user.pk
    user.delete()

    result = send_welcome_email.delay(user_id)

    assert result.get().startswith("skipped")
    assert mail.outbox == []


def test_housekeeping_deletes_expired_sessions_and_keeps_live_ones() -> None:
    now = timezone.now()
    Session.objects.create(session_key="expired", session_data="", expire_date=now - timedelta(1))
    Session.objects.create(session_key="live", session_data="", expire_date=now + timedelta(1))

    delete_expired_sessions.delay()

    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]
