"""Throughput and latency of `GET /api/users/me/` under gunicorn and prod settings (not a test).

The baked project runs on PostgreSQL and Redis on 127.0.0.1 with token authentication; next to
it, a bare single-view Django project (no middleware, no database) is served the same way by the
same gunicorn and Django, so the ratio shows what the project's stack costs per request.
`wrk` (Debian package `wrk`) drives both over loopback.
"""

import contextlib
import re
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.runner import start_in_group, stop_group
from tests.services import free_port, postgres_server, redis_server, wait_until_listening

HOST = "example.com"
WORKERS = 2

BARE_APP = '''\
"""The smallest Django project that answers /api/users/me/: one view, no middleware, no DB."""
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="bare-benchmark-" + "x" * 50,
    ALLOWED_HOSTS=["example.com"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
)

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402


def me(request):
    return JsonResponse({"id": 1, "email": "bench@example.com", "first_name": "", "last_name": ""})


urlpatterns = [path("api/users/me/", me)]
application = get_wsgi_application()
'''

NEW_API_USER = """\
from {slug}.users.tests.factories import UserFactory
print(UserFactory.create().issue_token()[0])
"""


@dataclass(frozen=True)
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float


def require_wrk() -> str:
    wrk = shutil.which("wrk")
    if not wrk:
        raise SystemExit("wrk is not installed: apt-get install wrk (or your system's package)")
    return wrk


@contextlib.contextmanager
def serving(
    command: list[str], cwd: Path, env: dict[str, str], port: int, log: Path
) -> Iterator[None]:
    process = start_in_group(command, cwd, env, log)
    try:
        wait_until_listening(port, process, command[0])
        yield
    finally:
        stop_group(process)


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def load(port: int, headers: dict[str, str], seconds: int, connections: int) -> Load:
    """Run wrk against /api/users/me/ and read its summary."""
    command = [require_wrk(), "--threads", "2", "--connections", str(connections)]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    url = f"http://127.0.0.1:{port}/api/users/me/"
    # A warm-up run fills caches and connection pools; only the second one counts.
    subprocess.run([*command, "--duration", "2s", url], check=True, capture_output=True)
    measured = [*command, "--duration", f"{seconds}s", "--latency", url]
    output = subprocess.run(measured, check=True, capture_output=True, text=True).stdout
    if "Non-2xx" in output:
        raise SystemExit(f"the server answered with errors:\n{output}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])  # type: ignore[index]
    p50 = to_ms(re.search(r"\s50%\s+(\S+)", output)[1])  # type: ignore[index]
    p99 = to_ms(re.search(r"\s99%\s+(\S+)", output)[1])  # type: ignore[index]
    return Load(rate, p50, p99)


def measure(
    project: Path, workdir: Path, env: dict[str, str], *, seconds: int = 10, connections: int = 8
) -> dict[str, Load]:
    """Serve the bake (prod settings) and the bare project in turn; load each the same way."""
    slug = next(p.parent.parent.name for p in project.glob("*/users/models.py"))
    python = project / ".venv" / "bin" / "python"
    gunicorn = str(project / ".venv" / "bin" / "gunicorn")
    results: dict[str, Load] = {}
    with postgres_server() as database_url, redis_server() as redis_url:
        port = free_port()
        prod = env | {
            "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": HOST,
            "DJANGO_ADMIN_URL": "staff/",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "DJANGO_SMTP_URL": f"smtp://127.0.0.1:{free_port()}",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": str(WORKERS),
            "DJANGO_THROTTLE_USER": "1000000/minute",  # measure serving, not the throttle
        }
        subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=project, env=prod, check=True)
        token = (
            subprocess.run(
                [python, "manage.py", "shell", "-c", NEW_API_USER.format(slug=slug)],
                cwd=project,
                env=prod,
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        headers = {"Host": HOST, "X-Forwarded-Proto": "https", "Authorization": f"Token {token}"}
        command = [gunicorn, "--config", "python:config.gunicorn", "config.wsgi"]
        with serving(command, project, prod, port, workdir / "project-gunicorn.log"):
            results["project"] = load(port, headers, seconds, connections)

    (workdir / "bare").mkdir(exist_ok=True)
    (workdir / "bare" / "bare_app.py").write_text(BARE_APP, encoding="utf-8")
    port = free_port()
    command = [
        gunicorn,
        "--workers",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
        "bare_app:application",
    ]
    with serving(command, workdir / "bare", env, port, workdir / "bare-gunicorn.log"):
        results["bare"] = load(port, {"Host": HOST}, seconds, connections)
    return results
