"""Celery in production: a bake of the defaults but for its time zone, installed without its dev
dependencies, runs its web process, a worker and beat against a real PostgreSQL, Redis and mail
server on 127.0.0.1.

The worker runs the project's own tasks: a new user's welcome email (queued on commit, sent
once however often it runs) and the housekeeping job that beat sends. A worker killed with
SIGKILL in the middle of sending that email loses nothing: restarted, it finishes the task, and
the user gets exactly one email. Every process the tests start is stopped at the end of its
test; every wait is bounded.
"""

import json
import os
import re
import secrets
import signal
import time
from collections.abc import Iterator

import pytest

from tests.conftest import Bake, EnvironmentFor
from tests.deployed import HOST, WAIT, Deployment, deployment, request, wait_until
from tests.runner import tail
from tests.services import free_port

pytestmark = pytest.mark.integration

SLUG = "my_service"  # the default bake's
TIME_ZONE = "Asia/Kolkata"  # not UTC, and half an hour off the zones of whole hours
PASSWORD = secrets.token_urlsafe(16)  # of every user the tests create
WORKER_OPTIONS = ("--concurrency", "2")  # two pool processes


@pytest.fixture(scope="module")
def system(
    shared_bake: Bake, bake_env: dict[str, str], environment_for: EnvironmentFor
) -> Iterator[Deployment]:
    """The bake installed without dev dependencies, migrated, beside its servers."""
    project = shared_bake(timezone=TIME_ZONE)
    settings = {
        "DJANGO_ALLOWED_HOSTS": HOST,
        "CELERY_BEAT_SCHEDULE_FILENAME": str(project.parent / "celerybeat-schedule"),
        "GUNICORN_WORKERS": "1",
    }
    uv_environment = environment_for(project, production=True)
    with deployment(project, bake_env, uv_environment, **settings) as deployed:
        deployed.run(["python", "manage.py", "migrate", "--no-input"]).expect_success()
        yield deployed


@pytest.fixture
def processes(system: Deployment) -> Iterator[Deployment]:
    """The deployment; the processes a test starts are stopped at its end."""
    before = len(system.started)
    yield system
    system.stop(since=before)


def get(port: int, path: str) -> tuple[int, dict[str, object]]:
    """GET as a probe does: plain HTTP, an allowed Host header."""
    reply = request(port, path, https=False)
    return reply.status, json.loads(reply.body)


def create_user(system: Deployment, email: str) -> int:
    """A new user, committed and welcomed: its welcome email is queued once it is committed."""
    user_id: int = system.python(
        f"from {SLUG}.users import services\n"
        f"from {SLUG}.users.models import User\n"
        f"user = User.objects.create_user(email={email!r}, password={PASSWORD!r})\n"
        "services.welcome_new_user(user)\n"
        "result = user.pk"
    )
    return user_id


# --- The tests ---------------------------------------------------------------------------------


def test_the_production_install_has_no_dev_dependencies(system: Deployment) -> None:
    dev_only = ["pytest", "debug_toolbar", "factory", "mypy"]

    found = system.python(
        f"import importlib.util\nresult = [m for m in {dev_only!r} if importlib.util.find_spec(m)]"
    )

    assert found == []


def test_web_process_is_ready_with_database_cache_and_broker(
    system: Deployment, processes: Deployment
) -> None:
    port = processes.web()

    status, body = get(port, "/health/ready/")

    assert status == 200, body
    assert body["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}


def test_readiness_answers_503_within_seconds_when_redis_is_down(
    system: Deployment, processes: Deployment
) -> None:
    port = processes.web(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there

    started = time.monotonic()
    status, body = get(port, "/health/ready/")

    assert time.monotonic() - started < 5
    assert status == 503, body
    assert body["checks"] == {"database": "ok", "cache": "error", "broker": "error"}


def test_worker_runs_queued_tasks_and_returns_their_results(
    system: Deployment, processes: Deployment
) -> None:
    processes.worker("worker", *WORKER_OPTIONS)
    log = system.logs / "worker.log"

    user_id = create_user(system, "ada@example.com")
    wait_until(lambda: system.mail.delivered_to("ada@example.com"), "no welcome email", log)
    results = system.python(
        f"from {SLUG}.core.tasks import send_email\n"
        f"from {SLUG}.users.tasks import delete_expired_sessions\n"
        f"welcome = ('Welcome', 'again', None, ['ada@example.com'], 'welcome-email:{user_id}')\n"
        f"result = [send_email.delay(*welcome).get(timeout={WAIT}),\n"
        f"          delete_expired_sessions.delay().get(timeout={WAIT})]"
    )

    assert results == [False, None]  # the welcome email's key: sent once already
    assert system.mail.delivered_to("ada@example.com") == 1


def test_worker_logs_through_djangos_logging_as_json_lines(
    system: Deployment, processes: Deployment
) -> None:
    processes.worker("json-logging-worker", *WORKER_OPTIONS)
    log = system.logs / "json-logging-worker.log"

    records = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]

    assert any(record["message"].endswith("ready.") for record in records), tail(log)
    assert all({"time", "level", "logger", "message"} <= record.keys() for record in records)


def test_task_killed_mid_run_is_redelivered_and_has_its_effect_exactly_once(
    system: Deployment, processes: Deployment
) -> None:
    address = "grace@example.com"
    system.mail.hold(address)
    first_worker = processes.worker("worker-killed-mid-task", *WORKER_OPTIONS)
    first_log = system.logs / "worker-killed-mid-task.log"
    user_id = create_user(system, address)
    assert system.mail.holding.wait(WAIT), tail(first_log)  # the task is sending the email
    received = re.search(r"send_email\[([0-9a-f-]{36})\] received", first_log.read_text())
    assert received, tail(first_log)

    os.killpg(first_worker.pid, signal.SIGKILL)  # no clean-up, no goodbye to the broker
    first_worker.wait(WAIT)
    assert system.mail.delivered_to(address) == 0
    processes.worker(
        "worker-restarted", *WORKER_OPTIONS, DJANGO_SETTINGS_MODULE="shortened_settings"
    )
    second_log = system.logs / "worker-restarted.log"
    outcome = system.python(
        "from config.celery import app\n"
        f"result = app.AsyncResult({received[1]!r}).get(timeout={WAIT})"
    )

    assert outcome is True, tail(second_log)
    assert system.mail.delivered_to(address) == 1
    again = system.python(
        f"from {SLUG}.core.models import IdempotencyKey\n"
        f"from {SLUG}.core.tasks import send_email\n"
        f"welcome = ('Welcome', 'again', None, ['{address}'], 'welcome-email:{user_id}')\n"
        f"result = [send_email.delay(*welcome).get(timeout={WAIT}),\n"
        f"          IdempotencyKey.objects.filter(key='welcome-email:{user_id}').count()]"
    )
    assert again == [False, 1]
    assert system.mail.delivered_to(address) == 1


def test_the_deployed_celery_app_takes_the_projects_time_zone(system: Deployment) -> None:
    """The app that workers and beat load: a crontab() schedule's hours are the project's."""
    zones = system.python(
        "from django.conf import settings\n"
        "from config.celery import app\n"
        "result = [settings.TIME_ZONE, str(app.timezone)]"
    )
    assert zones == [TIME_ZONE, TIME_ZONE]


def test_beat_sends_the_housekeeping_task_to_the_worker(
    system: Deployment, processes: Deployment
) -> None:
    expired = system.python(
        "from datetime import timedelta\n"
        "from django.contrib.sessions.models import Session\n"
        "from django.utils import timezone\n"
        "Session.objects.create(session_key='expired', session_data='',\n"
        "                       expire_date=timezone.now() - timedelta(days=1))\n"
        "result = Session.objects.count()"
    )
    assert expired == 1
    processes.worker("housekeeping-worker", *WORKER_OPTIONS)
    worker_log = system.logs / "housekeeping-worker.log"

    beat = ["uv", "run", "--no-dev", "celery", "--app", "config", "beat"]
    processes.start("beat", beat, DJANGO_SETTINGS_MODULE="shortened_settings")
    beat_log = system.logs / "beat.log"
    done = re.compile(r"delete_expired_sessions\[[0-9a-f-]{36}\] succeeded")
    wait_until(lambda: done.search(worker_log.read_text()), "no housekeeping", beat_log, worker_log)

    remaining = system.python(
        "from django.contrib.sessions.models import Session\nresult = Session.objects.count()"
    )
    assert remaining == 0
    assert list(system.logs.glob("celerybeat-schedule*")), tail(beat_log)
