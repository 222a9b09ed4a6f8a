"""Celery in production: a default bake, installed without its dev dependencies, runs its web
process, a worker and beat against a real PostgreSQL, Redis and mail server on 127.0.0.1.

The worker runs the project's own tasks: a new user's welcome email (queued on commit, sent
once however often it runs) and the housekeeping job that beat sends. A worker killed with
SIGKILL in the middle of sending that email loses nothing: restarted, it finishes the task, and
the user gets exactly one email. Every process the tests start is stopped at the end of its
test; every wait is bounded.
"""

import contextlib
import http.client
import json
import os
import re
import secrets
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.bytecode import take_bytecode
from tests.conftest import Bake
from tests.runner import run_bounded, start_in_group, stop_group
from tests.services import SmtpSink, free_port, postgres_server, redis_server, smtp_sink

pytestmark = pytest.mark.integration

SLUG = "my_service"  # the default bake's
HOST = "example.com"  # ...and its domain, an allowed host in production
INSTALL_TIMEOUT = 10 * 60  # with a cold uv cache, every wheel is downloaded
COMMAND_TIMEOUT = 2 * 60
WAIT = 60  # seconds for any one thing to happen: a start-up, a task, a redelivery
STOP_TIMEOUT = 15
PASSWORD = secrets.token_urlsafe(16)  # of every user the tests create

# Run Python in the project with Django set up: the code sets `result`, printed as JSON.
DRIVER = """\
import json, sys
import django
django.setup()
scope = {}
exec(sys.argv[1], scope)
print("RESULT " + json.dumps(scope.get("result")))
"""

# Production settings, with two waits shortened so that the tests take seconds, not an hour:
# beat sends the housekeeping task every second, and Redis hands a message that a dead worker
# took back to the queue after 5 seconds (the visibility timeout), checking every second.
SHORTENED_SETTINGS = """\
from config.settings.prod import *
from config.settings.prod import CELERY_BEAT_SCHEDULE, CELERY_BROKER_TRANSPORT_OPTIONS

CELERY_BEAT_SCHEDULE = {
    name: {**entry, "schedule": 1.0} for name, entry in CELERY_BEAT_SCHEDULE.items()
}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "visibility_timeout": 5,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
"""


# --- The installed project and its processes ---------------------------------------------------


def tail(log: Path, characters: int = 4000) -> str:
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else "(no log)"
    return f"--- {log.name} ---\n{text[-characters:]}"


def wait_until[T](condition: Callable[[], T], what: str, *logs: Path, timeout: float = WAIT) -> T:
    """Poll `condition` until it returns something true; fail with `what` and the logs if not."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.2)
    pytest.fail(f"{what} within {timeout} s\n" + "\n".join(map(tail, logs)), pytrace=False)


@dataclass
class System:
    """The project installed for production, its servers, and how to run code in it."""

    project: Path
    venv: Path
    env: dict[str, str]
    logs: Path
    sink: SmtpSink
    runs: int = 0

    def bin(self, name: str) -> str:
        return str(self.venv / "bin" / name)

    def python(self, code: str) -> Any:
        """Run `code` in the project (production settings); return its `result`."""
        self.runs += 1
        log = self.logs / f"python-{self.runs}.log"
        command = [self.bin("python"), str(self.logs / "helpers" / "drive.py"), code]
        ran = run_bounded(command, self.project, self.env, COMMAND_TIMEOUT, log)
        ran.expect_success()
        last = ran.output.strip().splitlines()[-1]
        assert last.startswith("RESULT "), ran.output
        return json.loads(last.removeprefix("RESULT "))


@dataclass
class Processes:
    """Long-running processes of one test, each in its own process group, stopped at the end."""

    system: System
    started: list[tuple[subprocess.Popen[bytes], Path]] = field(default_factory=list)

    def start(
        self, name: str, command: list[str], **env: str
    ) -> tuple[subprocess.Popen[bytes], Path]:
        log = self.system.logs / f"{name}.log"
        process = start_in_group(command, self.system.project, self.system.env | env, log)
        self.started.append((process, log))
        return process, log

    def worker(self, name: str, **env: str) -> tuple[subprocess.Popen[bytes], Path]:
        """A worker with two pool processes, once it has said it is ready."""
        command = [self.system.bin("celery"), "--app", "config", "worker", "--concurrency", "2"]
        process, log = self.start(name, [*command, "--hostname", f"{name}@%h"], **env)

        def ready() -> bool:
            return process.poll() is not None or "ready." in log.read_text()

        wait_until(ready, "the worker did not say it was ready", log)
        assert process.poll() is None, f"the worker exited with {process.returncode}\n{tail(log)}"
        return process, log

    def web(self, **env: str) -> int:
        """Gunicorn as the README deploys it, on a free port, once it answers."""
        port = free_port()
        command = [self.system.bin("gunicorn"), "--config", "python:config.gunicorn", "config.wsgi"]
        process, log = self.start("web", command, GUNICORN_BIND=f"127.0.0.1:{port}", **env)

        def answers() -> bool:
            assert process.poll() is None, f"gunicorn exited\n{tail(log)}"
            with contextlib.suppress(OSError):
                return get(port, "/health/")[0] == 200
            return False

        wait_until(answers, "gunicorn did not answer", log)
        return port

    @staticmethod
    def kill(process: subprocess.Popen[bytes]) -> None:
        """SIGKILL to the process and its children: no clean-up, no goodbye to the broker."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(STOP_TIMEOUT)

    def stop_all(self) -> None:
        """SIGTERM (a warm shutdown: running tasks finish), then SIGKILL to what is left."""
        for process, _ in reversed(self.started):
            stop_group(process, STOP_TIMEOUT)


def get(port: int, path: str) -> tuple[int, dict[str, Any]]:
    """GET as a probe does: plain HTTP, an allowed Host header."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": HOST})
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def install_for_production(
    project: Path, bake_env: dict[str, str], bytecode_store: Path
) -> tuple[Path, Path]:
    """Install `project` beside it without dev dependencies, as an image does; write the helper
    scripts the processes import. Returns the virtualenv and the helpers' folder."""
    logs = project.parent
    venv = logs / "prod-venv"
    install_env = bake_env | {"UV_PROJECT_ENVIRONMENT": str(venv)}
    # A fresh bake's uv.lock lacks the project's own entry: `uv lock` adds it, changing nothing
    # else, so that the production install can then insist on the lock as it is.
    for command in (["uv", "lock"], ["uv", "sync", "--locked", "--no-dev"]):
        log = logs / f"{command[1]}.log"
        run_bounded(command, project, install_env, INSTALL_TIMEOUT, log).expect_success()
    take_bytecode(venv, bytecode_store)  # what the gates' bakes compiled
    helpers = logs / "helpers"
    helpers.mkdir()
    (helpers / "drive.py").write_text(DRIVER, encoding="utf-8")
    (helpers / "shortened_settings.py").write_text(SHORTENED_SETTINGS, encoding="utf-8")
    return venv, helpers


@pytest.fixture(scope="module")
def system(shared_bake: Bake, bake_env: dict[str, str], bytecode_store: Path) -> Iterator[System]:
    """The default bake installed without dev dependencies, migrated, beside its servers."""
    project = shared_bake()
    logs = project.parent
    venv, helpers = install_for_production(project, bake_env, bytecode_store)

    with contextlib.ExitStack() as servers:
        env = bake_env | {
            "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": HOST,
            "DJANGO_ADMIN_URL": f"staff-{secrets.token_hex(4)}/",
            "DATABASE_URL": servers.enter_context(postgres_server()),
            "REDIS_URL": servers.enter_context(redis_server()),
            "DJANGO_SMTP_URL": (sink := servers.enter_context(smtp_sink())).url,
            "CELERY_BEAT_SCHEDULE_FILENAME": str(logs / "celerybeat-schedule"),
            "GUNICORN_WORKERS": "1",
            "PYTHONPATH": os.pathsep.join([str(project), str(helpers)]),
            "PYTHONUNBUFFERED": "1",  # log lines reach the files as they are written
        }
        migrate = [str(venv / "bin" / "python"), "manage.py", "migrate", "--no-input"]
        run_bounded(migrate, project, env, COMMAND_TIMEOUT, logs / "migrate.log").expect_success()
        yield System(project, venv, env, logs, sink)


@pytest.fixture
def processes(system: System) -> Iterator[Processes]:
    started = Processes(system)
    try:
        yield started
    finally:
        started.stop_all()


def create_user(system: System, email: str) -> int:
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


def test_the_production_install_has_no_dev_dependencies(system: System) -> None:
    dev_only = ["pytest", "debug_toolbar", "factory", "mypy"]

    found = system.python(
        f"import importlib.util\nresult = [m for m in {dev_only!r} if importlib.util.find_spec(m)]"
    )

    assert found == []


def test_web_process_is_ready_with_database_cache_and_broker(
    system: System, processes: Processes
) -> None:
    port = processes.web()

    status, body = get(port, "/health/ready/")

    assert status == 200, body
    assert body["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}


def test_readiness_answers_503_within_seconds_when_redis_is_down(
    system: System, processes: Processes
) -> None:
    port = processes.web(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there

    started = time.monotonic()
    status, body = get(port, "/health/ready/")

    assert time.monotonic() - started < 5
    assert status == 503, body
    assert body["checks"] == {"database": "ok", "cache": "error", "broker": "error"}


def test_worker_runs_queued_tasks_and_returns_their_results(
    system: System, processes: Processes
) -> None:
    _, log = processes.worker("worker")

    user_id = create_user(system, "ada@example.com")
    wait_until(lambda: system.sink.delivered_to("ada@example.com"), "no welcome email", log)
    results = system.python(
        f"from {SLUG}.users.tasks import send_welcome_email, delete_expired_sessions\n"
        f"result = [send_welcome_email.delay({user_id}).get(timeout={WAIT}),\n"
        f"          delete_expired_sessions.delay().get(timeout={WAIT})]"
    )

    assert results == ["already sent", None]
    assert system.sink.delivered_to("ada@example.com") == 1


def test_worker_logs_through_djangos_logging_as_json_lines(
    system: System, processes: Processes
) -> None:
    _, log = processes.worker("json-logging-worker")

    records = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]

    assert any(record["message"].endswith("ready.") for record in records), tail(log)
    assert all({"time", "level", "logger", "message"} <= record.keys() for record in records)


def test_task_killed_mid_run_is_redelivered_and_has_its_effect_exactly_once(
    system: System, processes: Processes
) -> None:
    address = "grace@example.com"
    system.sink.hold(address)
    first_worker, first_log = processes.worker("worker-killed-mid-task")
    user_id = create_user(system, address)
    assert system.sink.holding.wait(WAIT), tail(first_log)  # the task is sending the email
    received = re.search(r"send_welcome_email\[([0-9a-f-]{36})\] received", first_log.read_text())
    assert received, tail(first_log)

    processes.kill(first_worker)
    assert system.sink.delivered_to(address) == 0
    _, second_log = processes.worker(
        "worker-restarted", DJANGO_SETTINGS_MODULE="shortened_settings"
    )
    outcome = system.python(
        "from config.celery import app\n"
        f"result = app.AsyncResult({received[1]!r}).get(timeout={WAIT})"
    )

    assert outcome == "sent", tail(second_log)
    assert system.sink.delivered_to(address) == 1
    again = system.python(
        f"from {SLUG}.users.tasks import send_welcome_email\n"
        f"from {SLUG}.idempotency.models import IdempotencyKey\n"
        f"result = [send_welcome_email.delay({user_id}).get(timeout={WAIT}),\n"
        f"          IdempotencyKey.objects.filter(key='welcome-email:{user_id}').count()]"
    )
    assert again == ["already sent", 1]
    assert system.sink.delivered_to(address) == 1


def test_beat_sends_the_housekeeping_task_to_the_worker(
    system: System, processes: Processes
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
    _, worker_log = processes.worker("housekeeping-worker")

    _, beat_log = processes.start(
        "beat",
        [system.bin("celery"), "--app", "config", "beat"],
        DJANGO_SETTINGS_MODULE="shortened_settings",
    )
    done = re.compile(r"delete_expired_sessions\[[0-9a-f-]{36}\] succeeded")
    wait_until(lambda: done.search(worker_log.read_text()), "no housekeeping", beat_log, worker_log)

    remaining = system.python(
        "from django.contrib.sessions.models import Session\nresult = Session.objects.count()"
    )
    assert remaining == 0
    assert list(system.logs.glob("celerybeat-schedule*")), tail(beat_log)
