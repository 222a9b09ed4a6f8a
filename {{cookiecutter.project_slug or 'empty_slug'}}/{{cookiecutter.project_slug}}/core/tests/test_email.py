import logging

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.db import transaction
from pytest_django import DjangoCaptureOnCommitCallbacks

from {{ cookiecutter.project_slug }}.core.email import send_after_commit

pytestmark = pytest.mark.django_db


def message() -> EmailMessage:
    return EmailMessage("Hello", "Your account is ready.", to=["ada@example.com"])


def send_then_fail() -> None:
    with transaction.atomic():
        send_after_commit(message())
        raise RuntimeError("the request failed after its email was written")


def test_an_email_leaves_once_the_transaction_commits(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        send_after_commit(message())
        assert mail.outbox == []

    assert [(sent.subject, sent.to) for sent in mail.outbox] == [("Hello", ["ada@example.com"])]


def test_no_email_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        send_then_fail()

    assert callbacks == []
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_failure_is_logged_not_raised(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def refuse(*args: object, **kwargs: object) -> int:
        raise ConnectionRefusedError("the mail server is down")

    monkeypatch.setattr(EmailMessage, "send", refuse)

    with caplog.at_level(logging.ERROR, logger="django.db.backends.base"):
        send_after_commit(message())  # no transaction: it is sent at once

    assert mail.outbox == []
    assert "the mail server is down" in caplog.text
