from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMessage

from config.celery import app
from {{ cookiecutter.project_slug }}.core.tasks import TRANSIENT_MAIL_ERRORS, send_email

pytestmark = pytest.mark.django_db

EMAIL = ("Reset", "Your code: 123456", "noreply@example.com", ["ada@example.com"])


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


def test_an_email_is_sent_as_rendered() -> None:
    assert send_email.delay(*EMAIL, "").get() is True

    message = mail.outbox[0]
    assert (message.subject, message.body, message.from_email, message.to) == EMAIL


def test_an_email_with_a_key_is_sent_once_however_often_the_task_runs() -> None:
    send_email.delay(*EMAIL, "welcome-email:1")

    assert send_email.delay(*EMAIL, "welcome-email:1").get() is False
    assert send_email.delay(*EMAIL, "welcome-email:2").get() is True
    assert len(mail.outbox) == 2


@pytest.mark.usefixtures("retries_in_process")
def test_an_email_is_retried_while_the_mail_server_is_down(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(EmailMessage, "send", failing_first(2, EmailMessage.send))

    assert send_email.delay(*EMAIL, "welcome-email:1").get() is True
    assert [message.to for message in mail.outbox] == [EMAIL[3]]


@pytest.mark.usefixtures("retries_in_process")
def test_an_email_gives_up_after_its_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(EmailMessage, "send", failing_first(100, EmailMessage.send))

    result = send_email.delay(*EMAIL, "")

    with pytest.raises(ConnectionRefusedError):
        result.get()
    assert mail.outbox == []


def test_retries_back_off_exponentially_with_jitter() -> None:
    task: Any = send_email  # celery-types does not declare the autoretry options
    assert task.autoretry_for == TRANSIENT_MAIL_ERRORS
    assert task.retry_backoff == 5
    assert task.retry_jitter is True
    assert task.max_retries == 8
