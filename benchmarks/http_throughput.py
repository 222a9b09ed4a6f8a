"""Throughput of the API's hot path under gunicorn and prod settings, beside a bare Django (not a
test).

The baked project runs on PostgreSQL and Redis on 127.0.0.1 with its production gunicorn
configuration (config/gunicorn.py, as the Dockerfile starts it). Next to it, a bare Django
project (no middleware, no database, no throttle: two views that return fixed JSON) is served by
the same gunicorn with the same configuration. `wrk` (Debian package `wrk`) loads each endpoint
of each server in turn, interleaved over several rounds; the medians and their ratio are what
count, since a shared machine's noise moves both alike.

Endpoints: `GET /api/users/me/` and `GET /api/projects/` (a page of 20 rows of the example app),
with the session tokens (allauth's X-Session-Token) of USERS users in turn, so that no user
comes near the per-user throttle rate: the throttle costs what it costs in production, at its
default rate.

Before the load, one process counts what a request costs in round trips, through Django's WSGI
handler with the same settings and services: SQL statements (the connection health check's
`SELECT 1` included) and Redis commands sent (a pipeline is one send); and, with valgrind, how
many instructions a request takes (benchmarks/instruction_count.py), which noise does not move.
"""

import contextlib
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from benchmarks import instruction_count
from benchmarks.in_bake import run_in_bake, slug_of
from tests.runner import start_in_group, stop_groups
from tests.services import free_port, postgres_server, redis_server, wait_until_listening

HOST = "example.com"
USERS = 1000
ROWS = 20  # projects per user: one page of the list endpoint
ENDPOINTS = {"me": "/api/users/me/", "list": "/api/projects/"}

BARE_APP = '''\
"""The smallest Django project that answers the same URLs: fixed JSON, no middleware, no DB."""
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

ROW = {"id": 1, "name": "Project", "created_at": "2026-01-01T00:00:00Z", "task_count": 0,
       "open_task_count": 0}


def me(request):
    return JsonResponse({"id": 1, "email": "bench@example.com", "first_name": "", "last_name": ""})


def projects(request):
    return JsonResponse({"count": 20, "next": None, "previous": None, "results": [ROW] * 20})


urlpatterns = [path("api/users/me/", me), path("api/projects/", projects)]
application = get_wsgi_application()
'''

MAKE_USERS = """\
import json, sys
import django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
User = get_user_model()
users = User.objects.bulk_create(
    User(**{{User.USERNAME_FIELD: f"bench{{i}}@example.com", "email": f"bench{{i}}@example.com",
             "password": "!"}})
    for i in range({users})
)
try:
    from {slug}.projects.models import Project
except ImportError:  # baked without the example app
    pass
else:
    Project.objects.bulk_create(
        Project(owner=user, name=f"Project {{n}}") for user in users for n in range({rows})
    )

def session_token(user):
    # What allauth's app log-in hands a client: the key of a signed-in session.
    client = Client()
    client.force_login(user)
    return client.session.session_key


print(json.dumps([session_token(user) for user in users]))
"""

COUNT_ROUND_TRIPS = """\
import json, statistics, sys
import django
django.setup()
import psycopg
from redis.connection import Connection
from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory

counts = {"sql": 0, "redis": 0}
real_execute, real_send = psycopg.Cursor.execute, Connection.send_packed_command

def execute(self, *args, **kwargs):
    counts["sql"] += 1
    return real_execute(self, *args, **kwargs)

def send(self, *args, **kwargs):
    counts["redis"] += 1
    return real_send(self, *args, **kwargs)

psycopg.Cursor.execute, Connection.send_packed_command = execute, send
handler = WSGIHandler()
tokens = json.loads(sys.argv[2])
header, prefix = sys.argv[3], sys.argv[4]  # e.g. HTTP_X_SESSION_TOKEN and no prefix
per_request = {}
for name, url in json.loads(sys.argv[1]).items():
    results = []
    for n, token in enumerate(tokens):
        environ = RequestFactory().get(url, HTTP_HOST="example.com", HTTP_X_FORWARDED_PROTO="https",
                                       **{header: prefix + token}).environ
        counts.update(sql=0, redis=0)
        response = handler(environ, lambda status, headers: None)
        response.close()  # ends the request, as gunicorn does
        assert response.status_code == 200, (url, response.status_code)
        if n:  # the first request opens the connections
            results.append(dict(counts))
    per_request[name] = {kind: statistics.mean(r[kind] for r in results) for kind in counts}
print(json.dumps(per_request))
"""


@dataclass(frozen=True)
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float


@dataclass(frozen=True)
class Server:
    """A server loaded in each round: its name in the results, its wrk script, its endpoints."""

    name: str
    port: int
    script: Path
    endpoints: tuple[str, ...]  # keys of ENDPOINTS


# Another project to load beside ours: called with the URLs of our PostgreSQL and Redis servers
# and our gunicorn worker count, it sets itself up and serves while its context lasts.
Extra = Callable[[str, str, int], AbstractContextManager[Server]]


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
        wait_until_listening(port, process, command[0], log)
        yield
    finally:
        stop_groups([process])


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def token_script(
    tokens: list[str], path: Path, header: str = "X-Session-Token", prefix: str = ""
) -> Path:
    """A wrk script that sends each request with the next user's token in `header` (after
    `prefix`), and the headers the proxy adds."""
    path.write_text(
        f"local tokens = {{{', '.join(json.dumps(token) for token in tokens)}}}\n"
        "local n = 0\n"
        "function init(args) n = math.random(#tokens) end\n"
        "function request()\n"
        "  n = n % #tokens + 1\n"
        "  return wrk.format(nil, nil, {\n"
        f'    ["Host"] = "{HOST}", ["X-Forwarded-Proto"] = "https",\n'
        f'    ["{header}"] = "{prefix}" .. tokens[n]}})\n'
        "end\n",
        encoding="utf-8",
    )
    return path


def load(url: str, script: Path | None, seconds: int, connections: int) -> Load:
    """Run wrk against `url` and read its summary; fail on any answer but 2xx."""
    command = [require_wrk(), "--threads", "2", "--connections", str(connections)]
    command += ["--script", str(script)] if script else ["--header", f"Host: {HOST}"]
    measured = [*command, "--duration", f"{seconds}s", "--latency", url]
    output = subprocess.run(measured, check=True, capture_output=True, text=True).stdout
    if "Non-2xx" in output:
        raise SystemExit(f"the server answered with errors:\n{output}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])  # type: ignore[index]
    p50 = to_ms(re.search(r"\s50%\s+(\S+)", output)[1])  # type: ignore[index]
    p99 = to_ms(re.search(r"\s99%\s+(\S+)", output)[1])  # type: ignore[index]
    return Load(rate, p50, p99)


def median(loads: list[Load]) -> Load:
    return Load(
        statistics.median(load.requests_per_second for load in loads),
        statistics.median(load.p50_ms for load in loads),
        statistics.median(load.p99_ms for load in loads),
    )


def measure(
    project: Path,
    workdir: Path,
    env: dict[str, str],
    *,
    seconds: int = 2,
    rounds: int = 15,
    connections: int = 8,
    extras: Sequence[Extra] = (),
) -> dict[str, object]:
    """Serve the bake (prod settings) and the bare project side by side; load them in turn."""
    slug = slug_of(project)
    gunicorn = str(project / ".venv" / "bin" / "gunicorn")
    endpoints = {
        name: url
        for name, url in ENDPOINTS.items()
        if name != "list" or (project / slug / "projects").is_dir()
    }
    (workdir / "bare").mkdir(exist_ok=True)
    (workdir / "bare" / "bare_app.py").write_text(BARE_APP, encoding="utf-8")
    loads: dict[tuple[str, str], list[Load]] = {}
    with postgres_server() as database_url, redis_server() as redis_url:
        ports = {"project": free_port(), "bare": free_port()}
        prod = env | {
            "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": HOST,
            "DJANGO_ADMIN_URL": "staff/",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "DJANGO_SMTP_URL": f"smtp://127.0.0.1:{free_port()}",
            "GUNICORN_BIND": f"127.0.0.1:{ports['project']}",
        }
        subprocess.run(
            [str(project / ".venv" / "bin" / "python"), "manage.py", "migrate", "-v0"],
            cwd=project,
            env=prod,
            check=True,
        )
        tokens = json.loads(
            run_in_bake(project, MAKE_USERS.format(users=USERS, rows=ROWS, slug=slug), prod)
        )
        round_trips = json.loads(
            run_in_bake(
                project,
                COUNT_ROUND_TRIPS,
                prod,
                json.dumps(endpoints),
                json.dumps(tokens[:21]),
                "HTTP_X_SESSION_TOKEN",
                "",
            )
        )
        # Each endpoint with a user of its own from the end of the list: the round trips' count
        # used the first ones, and the throttle would refuse a user's 601st request in a minute.
        instructions = (
            {
                name: instruction_count.per_request(
                    project, prod, url, "HTTP_X_SESSION_TOKEN", tokens[-1 - index]
                )
                for index, (name, url) in enumerate(endpoints.items())
            }
            if instruction_count.available()
            else {}
        )
        script = token_script(tokens, workdir / "tokens.lua")
        workers = run_in_bake(project, "import config.gunicorn as g; print(g.workers)", prod)
        # The bare project gets the same gunicorn configuration, from the bake's config module.
        bare = env | {
            "GUNICORN_BIND": f"127.0.0.1:{ports['bare']}",
            "PYTHONPATH": str(workdir / "bare"),
        }
        config = ["--config", "python:config.gunicorn"]
        with (
            serving(
                [gunicorn, *config, "config.wsgi"],
                project,
                prod,
                ports["project"],
                workdir / "project-gunicorn.log",
            ),
            serving(
                [gunicorn, *config, "bare_app:application"],
                project,
                bare,
                ports["bare"],
                workdir / "bare-gunicorn.log",
            ),
            contextlib.ExitStack() as stack,
        ):
            servers = [Server(name, port, script, tuple(endpoints)) for name, port in ports.items()]
            servers += [
                stack.enter_context(extra(database_url, redis_url, int(workers)))
                for extra in extras
            ]
            # The setup's writes (the bake, 1,000 users, their projects) reach the disk now, not
            # in the kernel's writeback during the first rounds, which it would slow.
            os.sync()
            for server in servers:  # warm-up: connections, caches, lazy imports
                for name in server.endpoints:
                    url = f"http://127.0.0.1:{server.port}{endpoints[name]}"
                    load(url, server.script, 2, connections)
            for _ in range(rounds):
                for name, path in endpoints.items():
                    for server in (server for server in servers if name in server.endpoints):
                        url = f"http://127.0.0.1:{server.port}{path}"
                        result = load(url, server.script, seconds, connections)
                        loads.setdefault((server.name, name), []).append(result)
    medians = {f"{server} {name}": vars(median(runs)) for (server, name), runs in loads.items()}
    ratios = {
        name: medians[f"project {name}"]["requests_per_second"]
        / medians[f"bare {name}"]["requests_per_second"]
        for name in endpoints
    }
    return {
        "endpoints": endpoints,
        "workers": int(workers),
        "rounds": rounds,
        "seconds": seconds,
        "connections": connections,
        "medians": medians,
        "ratios": ratios,
        "round_trips": round_trips,
        "instructions": instructions,
        "all_runs": {f"{s} {n}": [vars(r) for r in runs] for (s, n), runs in loads.items()},
    }
