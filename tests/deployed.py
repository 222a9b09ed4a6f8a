"""Live deployments: a bake installed for production, with its own PostgreSQL, Redis and mail
server on 127.0.0.1, and the processes the tests start from it (web, worker, beat).

The one place the template's tests start a deployment: the browser, live production, Celery and
scale-out tests all use `deployment` (and `deployed` adds the README's Deploy steps and a staff
user). A deployment's environment is the image's (no variable of the project from this machine),
then the secrets it needs, then the caller's settings. Every process is stopped when the
deployment ends, or earlier with `stop`; every wait is bounded.
"""

import base64
import contextlib
import hashlib
import hmac
import http.client
import inspect
import itertools
import json
import re
import secrets
import struct
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest

from tests.runner import Ran, run_bounded, start_in_group, stop_groups, tail
from tests.services import (
    SmtpSink,
    free_port,
    postgres_server,
    redis_server,
    smtp_sink,
    wait_until_listening,
)

HOST = "example.com"  # the default domain_name
INSTALL_TIMEOUT = 10 * 60  # with a cold uv cache, every wheel is downloaded
COMMAND_TIMEOUT = 3 * 60
WAIT = 60  # seconds for any one thing to happen: a start-up, a task, a redelivery
# The README's Deploy commands for the web process and a worker.
GUNICORN = ["uv", "run", "--no-dev", "gunicorn", "--config", "python:config.gunicorn"]
GUNICORN += ["config.wsgi"]
WORKER = ["uv", "run", "--no-dev", "celery", "--app", "config", "worker"]
# Variables of this machine that the project reads: a deployment gets its own, or none.
PROJECT_VARIABLES = ("DJANGO_", "GUNICORN_", "CELERY_", "REDIS_", "DATABASE_")

# Helper modules on the deployment's PYTHONPATH. drive.py runs Python in the project with Django
# set up: the code sets `result`, printed as JSON. shortened_settings is production with two
# waits shortened, so that tests take seconds, not an hour: beat sends the housekeeping task
# every second, and Redis hands a message that a dead worker took back to the queue after 5 s
# (the visibility timeout), checking every second.
HELPERS = {
    "drive.py": """\
import json, sys
import django
django.setup()
scope = {}
exec(sys.argv[1], scope)
print("RESULT " + json.dumps(scope.get("result")))
""",
    "shortened_settings.py": """\
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
""",
}


def wait_until[T](condition: Callable[[], T], what: str, *logs: Path, timeout: float = WAIT) -> T:
    """Poll `condition` until it returns something true; fail with `what` and the logs if not."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.2)
    pytest.fail(f"{what} within {timeout} s\n" + "\n".join(map(tail, logs)), pytrace=False)


@dataclass(frozen=True)
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: str

    def header(self, name: str) -> str:
        value = self.headers.get(name)
        assert value is not None, f"no {name} header in {dict(self.headers)}"
        return value

    def cookies(self) -> SimpleCookie:
        jar = SimpleCookie()
        for line in self.headers.get_all("Set-Cookie") or []:
            jar.load(line)
        return jar

    def nonce(self) -> str:
        match = re.search(r"'nonce-([^']+)'", self.header("Content-Security-Policy"))
        assert match, self.header("Content-Security-Policy")
        return match[1]


def request(
    port: int,
    path: str,
    *,
    method: str = "GET",
    https: bool = True,
    headers: dict[str, str] | None = None,
    body: str | None = None,
) -> Reply:
    """One request to a web process on `port`, with the headers the proxy in front adds."""
    proxy = {"Host": HOST} | ({"X-Forwarded-Proto": "https"} if https else {})
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=proxy | (headers or {}))
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read().decode("latin-1"))
    finally:
        connection.close()


@dataclass
class Deployment:
    """A bake installed for production beside its servers, and the processes started from it."""

    project: Path
    env: dict[str, str]
    secrets: dict[str, str]  # the values a Secret would hold: keys, URLs of the servers
    mail: SmtpSink
    logs: Path
    started: list[subprocess.Popen[bytes]] = field(default_factory=list)
    runs: "itertools.count[int]" = field(default_factory=itertools.count)

    def run(self, command: list[str], timeout: float = COMMAND_TIMEOUT, **env: str) -> Ran:
        log = self.logs / f"run-{next(self.runs)}.log"
        return run_bounded(command, self.project, self.env | env, timeout, log)

    def python(self, code: str) -> Any:
        """Run `code` in the project (production settings); return its `result`."""
        ran = self.run(["python", str(self.logs / "helpers" / "drive.py"), code])
        ran.expect_success()
        last = ran.output.strip().splitlines()[-1]
        assert last.startswith("RESULT "), ran.output
        return json.loads(last.removeprefix("RESULT "))

    def start(self, name: str, command: list[str], **env: str) -> subprocess.Popen[bytes]:
        """Start a long-running process: its stdout in <name>.log, stderr in <name>-stderr.log."""
        log, stderr_log = self.logs / f"{name}.log", self.logs / f"{name}-stderr.log"
        process = start_in_group(command, self.project, self.env | env, log, stderr_log)
        self.started.append(process)
        return process

    def wait_for_web(self, process: subprocess.Popen[bytes], port: int, name: str) -> None:
        """Gunicorn listens once its app is loaded (preload_app, config/gunicorn.py)."""
        wait_until_listening(port, process, name, self.logs / f"{name}.log")

    def wait_for_worker(self, process: subprocess.Popen[bytes], name: str) -> None:
        log = self.logs / f"{name}.log"

        def ready() -> bool:
            return process.poll() is not None or "ready." in log.read_text()

        wait_until(ready, f"{name} did not say it was ready", log)
        assert process.poll() is None, f"{name} exited with {process.returncode}\n{tail(log)}"

    def web(self, name: str = "web", port: int = 0, **env: str) -> int:
        """Gunicorn as the README deploys it, on `port` (a free one if 0), once it listens."""
        port = port or free_port()
        process = self.start(name, GUNICORN, GUNICORN_BIND=f"127.0.0.1:{port}", **env)
        self.wait_for_web(process, port, name)
        return port

    def worker(self, name: str, *options: str, **env: str) -> subprocess.Popen[bytes]:
        """A Celery worker as the README deploys it, named `name`, once it says it is ready."""
        process = self.start(name, [*WORKER, *options, "--hostname", f"{name}@%h"], **env)
        self.wait_for_worker(process, name)
        return process

    def stop(self, since: int = 0) -> None:
        """Stop the processes started since the `since`-th (all by default), side by side."""
        stop_groups(self.started[since:])
        del self.started[since:]


@contextlib.contextmanager
def deployment(
    project: Path, bake_env: dict[str, str], uv_environment: dict[str, str], **settings: str
) -> Iterator[Deployment]:
    """`project` installed without its dev dependencies (`uv sync --locked --no-dev`, into the
    virtualenv that `uv_environment` names) beside a new PostgreSQL, Redis and mail server.

    Its environment: the image's (bake_env less the project's variables; the virtualenv first
    on PATH; production settings), the secrets, then `settings`.
    """
    logs = project.parent
    install = bake_env | uv_environment
    # A fresh bake's uv.lock lacks the project's own entry: `uv lock` adds it, changing nothing
    # else, so that the production install can then insist on the lock as it is.
    for command in (["uv", "lock"], ["uv", "sync", "--locked", "--no-dev"]):
        log = logs / f"{command[1]}.log"
        run_bounded(command, project, install, INSTALL_TIMEOUT, log).expect_success()
    venv = Path(uv_environment["UV_PROJECT_ENVIRONMENT"])
    assert not list(venv.glob("lib/*/site-packages/pytest")), "dev group installed"
    helpers = logs / "helpers"
    helpers.mkdir(exist_ok=True)
    for name, text in HELPERS.items():
        (helpers / name).write_text(text, encoding="utf-8")

    with contextlib.ExitStack() as servers:
        mail = servers.enter_context(smtp_sink())
        secret_values = {
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ADMIN_URL": f"staff-{secrets.token_hex(4)}/",
            "DATABASE_URL": servers.enter_context(postgres_server()),
            "REDIS_URL": servers.enter_context(redis_server()),
            "DJANGO_SMTP_URL": mail.url,
        }
        image = {
            name: value for name, value in install.items() if not name.startswith(PROJECT_VARIABLES)
        } | {
            "PATH": f"{venv / 'bin'}:{bake_env['PATH']}",
            "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "PYTHONPATH": f"{project}:{helpers}",
            "PYTHONUNBUFFERED": "1",  # log lines reach the files as they are written
        }
        deployed = Deployment(project, image | secret_values | settings, secret_values, mail, logs)
        try:
            yield deployed
        finally:
            deployed.stop()


# --- The README's Deploy section, with a staff user -------------------------------------------

# Gives the only user an authenticator app and recovery codes through allauth's accounts API, as
# an app enrols (log in, re-authenticate, the secret, its code, the codes, log out), in a process
# of its own where staff need no second factor yet; writes the secret and the codes to the file
# that ENROLMENT_FILE names. It runs after totp_code() below (enrolment_script()).
ENROL_SUPERUSER = """
import json, os, time
from pathlib import Path
from django.contrib.auth import get_user_model
from django.test import Client

host = os.environ["DJANGO_ALLOWED_HOSTS"].split(",")[0]
client = Client(headers={"host": host, "x-forwarded-for": "127.0.0.1"})
token = ""

def call(method, path, data=None, expect=200):
    global token
    headers = {"x-session-token": token} if token else {}
    body = json.dumps(data) if data is not None else ""
    response = client.generic(method, "/_allauth/app/v1" + path, body,
                              content_type="application/json", secure=True, headers=headers)
    assert response.status_code == expect, (path, response.status_code, response.content)
    answer = response.json()
    token = answer.get("meta", {}).get("session_token", token)
    return answer

user = get_user_model().objects.get()
password = os.environ["DJANGO_SUPERUSER_PASSWORD"]
call("POST", "/auth/login", {user.USERNAME_FIELD: user.get_username(), "password": password})
call("POST", "/auth/reauthenticate", {"password": password})
secret = call("GET", "/account/authenticators/totp", expect=404)["meta"]["secret"]
time.sleep(1.1 if time.time() % 30 > 29 else 0)  # a code of the period the server will check in
call("POST", "/account/authenticators/totp", {"code": totp_code(secret)})
codes = call("GET", "/account/authenticators/recovery-codes")["data"]["unused_codes"]
call("DELETE", "/auth/session", expect=401)  # logged out: no session of its own left behind
Path(os.environ["ENROLMENT_FILE"]).write_text(json.dumps({"secret": secret, "codes": codes}))
"""


def totp_code(secret: str, at: float | None = None) -> str:
    """The 6-digit code an authenticator app shows (RFC 6238: SHA-1, 30-second periods)."""
    counter = int(time.time() if at is None else at) // 30
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def enrolment_script() -> str:
    """ENROL_SUPERUSER with the test's own totp_code(), so that both compute codes alike."""
    imports = "import base64, hashlib, hmac, struct, time\n"
    return imports + inspect.getsource(totp_code) + ENROL_SUPERUSER


def fresh_totp_code(secret: str, margin: float = 10.0) -> str:
    """The current code, at least `margin` seconds before it changes (waiting for the next period
    if need be): the server accepts only the current period's code, and a busy machine may take
    seconds between reading a code and sending it."""
    left = 30 - time.time() % 30
    if left < margin:
        time.sleep(left + 0.1)
    return totp_code(secret)


@dataclass
class Server:
    """A deployment serving as its README's Deploy section says, with a worker and a superuser
    who has an authenticator app (its TOTP secret) and recovery codes, one for each log-in."""

    deployment: Deployment
    port: int
    superuser: tuple[str, str]
    totp_secret: str
    recovery_codes: list[str]

    @property
    def project(self) -> Path:
        return self.deployment.project

    @property
    def env(self) -> dict[str, str]:
        return self.deployment.env

    @property
    def mail(self) -> SmtpSink:
        return self.deployment.mail

    @property
    def venv(self) -> Path:
        return Path(self.env["UV_PROJECT_ENVIRONMENT"])

    @property
    def log(self) -> Path:
        """The web process's log: its stdout (stderr holds what uv itself says)."""
        return self.deployment.logs / "web.log"

    @property
    def admin_path(self) -> str:
        return "/" + self.env["DJANGO_ADMIN_URL"]

    def recovery_code(self) -> str:
        """A recovery code not used yet: each one logs in once."""
        return self.recovery_codes.pop()

    def request(self, path: str, **options: Any) -> Reply:
        return request(self.port, path, **options)


@contextlib.contextmanager
def deployed(
    project: Path,
    bake_env: dict[str, str],
    uv_environment: dict[str, str],
    port: int = 0,
    **settings: str,
) -> Iterator[Server]:
    """`project` deployed as its README says: the deploy check, migrate, collectstatic, a
    superuser, then gunicorn on `port` (a free one when 0) and a Celery worker. `settings` add to
    or replace the production environment (DJANGO_ALLOWED_HOSTS=..., for instance)."""
    superuser = ("admin@example.com", secrets.token_urlsafe(16))
    settings = {
        "DJANGO_ALLOWED_HOSTS": HOST,
        "GUNICORN_WORKERS": "2",
        "DJANGO_SUPERUSER_EMAIL": superuser[0],
        "DJANGO_SUPERUSER_PASSWORD": superuser[1],
    } | settings
    with deployment(project, bake_env, uv_environment, **settings) as live:
        manage = ["uv", "run", "--no-dev", "python", "manage.py"]
        for command in (
            [*manage, "check", "--deploy", "--fail-level", "WARNING"],
            [*manage, "migrate", "--no-input"],
            [*manage, "collectstatic", "--no-input"],
            [*manage, "createsuperuser", "--no-input"],
        ):
            live.run(command).expect_success()
        authenticators = live.logs / "superuser-authenticators.json"
        enrol = [*manage, "shell", "--command", enrolment_script(), "--no-imports"]
        enrolling = {"ENROLMENT_FILE": str(authenticators), "DJANGO_STAFF_REQUIRE_MFA": "false"}
        live.run(enrol, **enrolling).expect_success()
        enrolled = json.loads(authenticators.read_text())
        # Both start at once; then each is waited for.
        port = port or free_port()
        web = live.start("web", GUNICORN, GUNICORN_BIND=f"127.0.0.1:{port}")
        worker = live.start("worker", [*WORKER, "--concurrency", "1"])
        live.wait_for_web(web, port, "web")
        live.wait_for_worker(worker, "worker")
        yield Server(live, port, superuser, enrolled["secret"], enrolled["codes"])
