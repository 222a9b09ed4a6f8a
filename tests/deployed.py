"""A bake deployed as its README's Deploy section says, against real services on 127.0.0.1.

Production dependencies only (`uv sync --locked --no-dev`), PostgreSQL and Redis, the deploy
check, migrate, collectstatic, a superuser, then gunicorn with the project's own configuration.
Production requires staff to log in with a second factor: the superuser gets an authenticator app
(its TOTP secret) and recovery codes, one for each log-in the tests make.
Used by the live production tests and the browser test.
"""

import base64
import contextlib
import hashlib
import hmac
import http.client
import json
import re
import secrets
import socket
import struct
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest

from tests.bytecode import take_bytecode
from tests.runner import run_bounded, start_in_group, stop_group
from tests.services import free_port, postgres_server, redis_server

HOST = "example.com"  # the default domain_name
INSTALL_TIMEOUT = 10 * 60  # with a cold uv cache, every wheel is downloaded
COMMAND_TIMEOUT = 3 * 60
START_TIMEOUT = 30
STOP_TIMEOUT = 15
GUNICORN = [
    "uv",
    "run",
    "--no-dev",
    "gunicorn",
    "--config",
    "python:config.gunicorn",
    "config.wsgi",
]
WORKER = ["uv", "run", "--no-dev", "celery", "--app", "config", "worker", "--concurrency", "1"]


# Gives the only user an authenticator app and recovery codes, with allauth's own functions,
# and writes the secret and the codes to the file that ENROLMENT_FILE names.
ENROL_SUPERUSER = """
import json, os
from pathlib import Path
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import get_user_model
user = get_user_model().objects.get()
secret = generate_totp_secret()
TOTP.activate(user, secret)
codes = RecoveryCodes.activate(user).get_unused_codes()
Path(os.environ["ENROLMENT_FILE"]).write_text(json.dumps({"secret": secret, "codes": codes}))
"""


def totp_code(secret: str, at: float | None = None) -> str:
    """The 6-digit code an authenticator app shows (RFC 6238: SHA-1, 30-second periods)."""
    counter = int(time.time() if at is None else at) // 30
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def fresh_totp_code(secret: str, margin: float = 10.0) -> str:
    """The current code, at least `margin` seconds before it changes (waiting for the next period
    if need be): the server accepts only the current period's code, and a busy machine may take
    seconds between reading a code and sending it."""
    left = 30 - time.time() % 30
    if left < margin:
        time.sleep(left + 0.1)
    return totp_code(secret)


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


@dataclass(frozen=True)
class Server:
    project: Path
    port: int
    admin_path: str
    superuser: tuple[str, str]
    log: Path
    env: dict[str, str]  # the production environment it runs with (DATABASE_URL, REDIS_URL...)
    totp_secret: str
    recovery_codes: list[str]

    def recovery_code(self) -> str:
        """A recovery code not used yet: each one logs in once."""
        return self.recovery_codes.pop()

    def request(self, path: str, **options: Any) -> Reply:
        """One request to this server's gunicorn: `request(port, path, ...)` below."""
        return request(self.port, path, **options)


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


def wait_for_port(port: int, process: subprocess.Popen[bytes], *logs: Path) -> None:
    def tails() -> str:
        return "\n".join(log.read_text()[-3000:] for log in logs)

    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        assert process.poll() is None, f"gunicorn exited early:\n{tails()}"
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.2)
    pytest.fail(f"gunicorn did not listen within {START_TIMEOUT} s:\n{tails()}")


@contextlib.contextmanager
def deployed(
    project: Path,
    bake_env: dict[str, str],
    bytecode_store: Path,
    port: int = 0,
    *,
    worker: bool = False,
    **settings: str,
) -> Iterator[Server]:
    """`project`, installed and started as its README's Deploy section says.

    gunicorn listens on `port` (a free one when 0); `settings` add to or replace the
    production environment (DJANGO_ALLOWED_HOSTS=..., for instance). With `worker`, a Celery
    worker runs the queued tasks (the emails the site sends) beside it.
    """
    logs = project.parent

    def step(command: list[str], env: dict[str, str], timeout: float = COMMAND_TIMEOUT) -> None:
        log = logs / f"{len(list(logs.glob('*.log')))}-{command[-1].strip('-')}.log"
        run_bounded(command, project, env, timeout, log).expect_success()

    # A fresh bake's uv.lock lacks the project's own entry: any `uv sync` or `uv lock` adds it.
    step(["uv", "lock"], bake_env, INSTALL_TIMEOUT)
    step(["uv", "sync", "--locked", "--no-dev"], bake_env, INSTALL_TIMEOUT)
    assert not list((project / ".venv").glob("lib/*/site-packages/pytest")), "dev group installed"
    take_bytecode(project / ".venv", bytecode_store)  # what the gates' bakes compiled

    with postgres_server() as database_url, redis_server() as redis_url:
        port = port or free_port()
        admin_path = f"/staff-{secrets.token_hex(4)}/"
        superuser = ("admin@example.com", secrets.token_urlsafe(16))
        env = (
            bake_env
            | {
                "DJANGO_SETTINGS_MODULE": "config.settings.prod",
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                "DJANGO_ALLOWED_HOSTS": HOST,
                "DJANGO_ADMIN_URL": admin_path.lstrip("/"),
                "DATABASE_URL": database_url,
                "REDIS_URL": redis_url,
                "DJANGO_SMTP_URL": f"smtp://127.0.0.1:{free_port()}",  # nothing is sent
                "GUNICORN_BIND": f"127.0.0.1:{port}",
                "GUNICORN_WORKERS": "2",
                "PYTHONUNBUFFERED": "1",  # log lines reach the file as they are written
                "DJANGO_SUPERUSER_EMAIL": superuser[0],
                "DJANGO_SUPERUSER_PASSWORD": superuser[1],
            }
            | settings
        )
        manage = ["uv", "run", "--no-dev", "python", "manage.py"]
        step([*manage, "check", "--deploy", "--fail-level", "WARNING"], env)
        step([*manage, "migrate", "--no-input"], env)
        step([*manage, "collectstatic", "--no-input"], env)
        step([*manage, "createsuperuser", "--no-input"], env)
        authenticators = logs / "superuser-authenticators.json"
        enrol = env | {"ENROLMENT_FILE": str(authenticators)}
        step([*manage, "shell", "--command", ENROL_SUPERUSER, "--no-imports"], enrol)
        enrolled = json.loads(authenticators.read_text())

        # Logs go to stdout; stderr holds what uv itself says.
        log, stderr_log = logs / "gunicorn.log", logs / "gunicorn-stderr.log"
        process = start_in_group(GUNICORN, project, env, log, stderr_log)
        workers = [
            start_in_group(WORKER, project, env, logs / "worker.log", logs / "worker-stderr.log")
            for _ in range(worker)
        ]
        try:
            wait_for_port(port, process, log, stderr_log)
            yield Server(
                project,
                port,
                admin_path,
                superuser,
                log,
                env,
                enrolled["secret"],
                enrolled["codes"],
            )
        finally:
            for started in [process, *workers]:
                stop_group(started, STOP_TIMEOUT)
