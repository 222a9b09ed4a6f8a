"""Celery: reliable settings, tasks queued after commit, beat's schedule, the broker's health."""

import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse
from kombu.exceptions import OperationalError
from pytest_django import DjangoCaptureOnCommitCallbacks

from config.celery import app, require_a_broker
from {{ cookiecutter.project_slug }}.core import health
from {{ cookiecutter.project_slug }}.core.health import check_broker
from {{ cookiecutter.project_slug }}.core.tasks import enqueue_on_commit

from .settings_process import DEV_ENV, PROD_ENV, load_settings

# Nothing listens on port 1: connecting fails at once, as with a broker that is down.
DOWN_BROKER = "redis://127.0.0.1:1/0"

queued: list[str] = []


@app.task
def remember(value: str) -> None:
    queued.append(value)


def enqueue_then_fail() -> None:
    with transaction.atomic():
        enqueue_on_commit(remember, "rolled back")
        raise RuntimeError("the request failed after queueing the task")


@pytest.fixture(autouse=True)
def _forget_queued() -> None:
    queued.clear()


@pytest.fixture
def task_modules(db: None) -> None:
    """Every app's tasks, imported as a worker imports them when it starts: that runs Django's
    system checks, and a model's JSON field check asks the database what it supports."""
    app.loader.import_default_modules()


@pytest.fixture
def real_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    """A broker as in production, but Kombu's in-memory one: no server needed."""
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setitem(app.conf, "broker_url", "memory://")


# --- Settings ----------------------------------------------------------------------------------


def test_messages_are_acknowledged_only_after_the_task_ran() -> None:
    assert app.conf.task_acks_late is True
    assert app.conf.task_retry_on_worker_lost is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_cancel_long_running_tasks_on_connection_loss is True


def test_a_worker_reserves_one_task_at_a_time() -> None:
    assert app.conf.worker_prefetch_multiplier == 1


def test_messages_and_results_are_json_only() -> None:
    assert list(app.conf.accept_content) == ["json"]
    assert app.conf.task_serializer == "json"
    assert app.conf.result_serializer == "json"


def test_schedules_keep_djangos_time_zone() -> None:
    assert str(app.timezone) == settings.TIME_ZONE


def test_tasks_have_time_limits() -> None:
    assert 0 < app.conf.task_soft_time_limit < app.conf.task_time_limit


@pytest.mark.usefixtures("task_modules")
def test_redis_redelivers_only_tasks_that_outlived_every_limit_and_countdown() -> None:
    longest_countdown = max(
        # Celery's own defaults: retry_backoff_max 600 s; without backoff, default_retry_delay.
        getattr(task, "retry_backoff_max", 600)
        if getattr(task, "retry_backoff", False)
        else task.default_retry_delay
        for task in app.tasks.values()
    )
    visibility_timeout = app.conf.broker_transport_options["visibility_timeout"]

    assert visibility_timeout > app.conf.task_time_limit
    assert visibility_timeout > longest_countdown


def test_the_broker_connection_never_waits_forever() -> None:
    assert app.conf.broker_transport_options["socket_connect_timeout"] <= 10
    assert app.conf.broker_transport_options["socket_timeout"] <= 30
    assert app.conf.broker_connection_retry_on_startup is True


@pytest.mark.usefixtures("task_modules")
def test_tasks_are_discovered() -> None:
    assert "{{ cookiecutter.project_slug }}.core.tasks.send_email" in app.tasks


@pytest.mark.usefixtures("task_modules")
def test_every_periodic_task_exists() -> None:
    assert app.conf.beat_schedule
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks


def test_beat_keeps_its_schedule_file_in_a_writable_place() -> None:
    default = load_settings("config.settings.prod", PROD_ENV, "CELERY_BEAT_SCHEDULE_FILENAME")
    env = {**PROD_ENV, "CELERY_BEAT_SCHEDULE_FILENAME": "/var/lib/beat/schedule"}
    configured = load_settings("config.settings.prod", env, "CELERY_BEAT_SCHEDULE_FILENAME")

    assert Path(default["CELERY_BEAT_SCHEDULE_FILENAME"]).parent.is_dir()
    assert configured["CELERY_BEAT_SCHEDULE_FILENAME"] == "/var/lib/beat/schedule"


# --- Eager in development without a broker, a worker otherwise -------------------------------


def test_dev_without_a_broker_runs_tasks_eagerly() -> None:
    dev = load_settings("config.settings.dev", DEV_ENV, "CELERY_TASK_ALWAYS_EAGER")

    assert dev == {"CELERY_TASK_ALWAYS_EAGER": True}


def test_dev_with_redis_sends_tasks_to_a_worker() -> None:
    env = {**DEV_ENV, "REDIS_URL": "redis://127.0.0.1:6379/0"}

    dev = load_settings("config.settings.dev", env, "CELERY_TASK_ALWAYS_EAGER", "CELERY_BROKER_URL")

    assert dev == {"CELERY_TASK_ALWAYS_EAGER": False, "CELERY_BROKER_URL": env["REDIS_URL"]}


def test_a_separate_broker_may_be_configured() -> None:
    env = {**PROD_ENV, "CELERY_BROKER_URL": "redis://broker.internal:6379/1"}

    prod = load_settings("config.settings.prod", env, "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND")

    assert prod["CELERY_BROKER_URL"] == env["CELERY_BROKER_URL"]
    assert prod["CELERY_RESULT_BACKEND"] == env["CELERY_BROKER_URL"]


def test_prod_never_runs_tasks_eagerly() -> None:
    env = {**PROD_ENV, "CELERY_BROKER_URL": ""}  # an empty override must not mean "no broker"

    prod = load_settings(
        "config.settings.prod", env, "CELERY_TASK_ALWAYS_EAGER", "CELERY_BROKER_URL"
    )

    assert prod == {"CELERY_TASK_ALWAYS_EAGER": False, "CELERY_BROKER_URL": PROD_ENV["REDIS_URL"]}


def test_a_worker_or_beat_refuses_to_start_without_a_broker() -> None:
    with pytest.raises(SystemExit, match="REDIS_URL"):
        require_a_broker()


@pytest.mark.usefixtures("real_broker")
def test_a_worker_or_beat_starts_with_a_broker() -> None:
    require_a_broker()


# --- Queued after commit -----------------------------------------------------------------------


@pytest.mark.django_db
def test_enqueue_on_commit_waits_for_the_commit(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(remember, "after commit")
        assert queued == []

    assert queued == ["after commit"]


@pytest.mark.django_db
def test_enqueue_on_commit_drops_the_task_on_rollback(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        enqueue_then_fail()

    assert queued == []


@pytest.mark.django_db(transaction=True)
def test_enqueue_on_commit_queues_at_once_outside_a_transaction() -> None:
    enqueue_on_commit(remember, "now")

    assert queued == ["now"]


# --- Broker health -----------------------------------------------------------------------------


@pytest.mark.usefixtures("real_broker")
def test_broker_ping_succeeds_when_the_broker_answers() -> None:
    check_broker()


@pytest.mark.usefixtures("real_broker")
def test_broker_ping_fails_fast_when_the_broker_is_down(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.conf, "broker_url", DOWN_BROKER)

    started = time.monotonic()
    with pytest.raises(OperationalError):
        check_broker()

    assert time.monotonic() - started < 5


@pytest.mark.django_db
@pytest.mark.usefixtures("real_broker")
def test_not_ready_when_the_broker_is_down(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.conf, "broker_url", DOWN_BROKER)
    # A refused connection is an error, however busy the machine: time enough to see it refused.
    monkeypatch.setattr(health, "TIMEOUT", 10.0)

    response = client.get(reverse("health-readiness"))

    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "error"


@pytest.mark.django_db
def test_ready_with_tasks_in_process_needs_no_broker(client: Client) -> None:
    response = client.get(reverse("health-readiness"))

    assert response.json()["checks"]["broker"] == "ok"
