from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from {{ cookiecutter.project_slug }}.users.tasks import delete_expired_sessions

pytestmark = pytest.mark.django_db


def test_housekeeping_deletes_expired_sessions_and_keeps_live_ones() -> None:
    now = timezone.now()
    Session.objects.create(session_key="expired", session_data="", expire_date=now - timedelta(1))
    Session.objects.create(session_key="live", session_data="", expire_date=now + timedelta(1))

    delete_expired_sessions.delay()

    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]
