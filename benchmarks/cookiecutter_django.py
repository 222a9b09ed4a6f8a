"""cookiecutter-django's `GET /api/users/me/` beside ours, in the same run (not a test).

Given a local checkout of https://github.com/cookiecutter/cookiecutter-django (never fetched
here: `--cookiecutter-django PATH` or COOKIECUTTER_DJANGO), this bakes it with the options
nearest ours (DRF, Celery, email login, WhiteNoise, SMTP mail, no Docker, no Sentry), installs
its production requirements from PyPI with uv into a Python 3.13 venv of its own (the interpreter
ours runs on here, though the bake asks for 3.14), and serves it as its production start script
does (`gunicorn config.wsgi`, `config.settings.production`, environment variables only, no edits)
with as many sync workers as ours. It shares our PostgreSQL and Redis servers (database `ccd`,
Redis database 1), and gets as many users, each with a DRF token sent as `Authorization: Token`.
Its API has no throttle; ours keeps its own at its default rate.
"""

import contextlib
import json
import secrets
import statistics
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks import instruction_count
from benchmarks.http_throughput import (
    COUNT_ROUND_TRIPS,
    HOST,
    USERS,
    Server,
    serving,
    token_script,
)
from benchmarks.in_bake import run_in_bake
from tests.services import free_port

NAME = "cookiecutter-django"
# The choices of its cookiecutter.json nearest to our default bake.
OPTIONS = {
    "project_slug": "ccd",
    "rest_api": "DRF",
    "use_celery": "y",
    "username_type": "email",
    "use_whitenoise": "y",
    "cloud_provider": "None",
    "mail_service": "Other SMTP",
    "use_docker": "n",
    "use_sentry": "n",
}

MAKE_USERS = """\
import json, sys
import django
django.setup()
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
User = get_user_model()
users = User.objects.bulk_create(
    User(email=f"bench{i}@example.com", password="!") for i in range(int(sys.argv[1]))
)
print(json.dumps([Token.objects.create(user=user).key for user in users]))
"""


def checkout_path(option: Path | None, env: dict[str, str]) -> Path | None:
    """The checkout from the option, else from COOKIECUTTER_DJANGO, else none (skipped)."""
    value = option or env.get("COOKIECUTTER_DJANGO")
    return Path(value).resolve() if value else None


def bake(checkout: Path, workdir: Path, env: dict[str, str]) -> Path:
    """Bake the checkout and install its production requirements; return the project."""
    # Its post-gen hook ends with `uv add`, which needs the Python 3.14 it asks for: without it
    # here, that last step fails and the bake is kept; its requirements files are then still
    # there. With 3.14 present, the hook succeeds and the pins are in pyproject.toml instead.
    baked = subprocess.run(
        [sys.executable, "-m", "cookiecutter", "--no-input", "--keep-project-on-failure"]
        + ["-o", str(workdir), str(checkout)]
        + [f"{key}={value}" for key, value in OPTIONS.items()],
        env=env | {"UV_PYTHON_DOWNLOADS": "never"},
        capture_output=True,
        text=True,
        check=False,
    )
    if baked.returncode and "Installing python dependencies" not in baked.stdout:
        raise SystemExit(f"{checkout} did not bake:\n{baked.stdout}{baked.stderr}")
    project = workdir / OPTIONS["project_slug"]
    requirements = project / "requirements" / "production.txt"
    venv = ["uv", "venv", "--quiet", "--no-project", "--python", "3.13"]
    subprocess.run(venv, cwd=project, env=env, check=True)
    pins = requirements if requirements.is_file() else project / "pyproject.toml"
    subprocess.run(
        ["uv", "pip", "install", "--quiet", "--python", ".venv/bin/python", "-r", str(pins)],
        cwd=project,
        env=env,
        check=True,
    )
    return project


class CookiecutterDjango:
    """An extra server for http_throughput.measure; keeps its round trips per request."""

    def __init__(self, project: Path, workdir: Path, env: dict[str, str]) -> None:
        self.project, self.workdir, self.env = project, workdir, env
        self.round_trips: dict[str, float] = {}
        self.instructions: float | None = None  # per request, when valgrind is there

    @contextlib.contextmanager
    def serve(self, database_url: str, redis_url: str, workers: int) -> Iterator[Server]:
        port = free_port()
        python = str(self.project / ".venv" / "bin" / "python")
        prod = self.env | {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ADMIN_URL": "staff/",
            "DJANGO_ALLOWED_HOSTS": HOST,
            "DATABASE_URL": database_url.rsplit("/", 1)[0] + "/ccd",
            "REDIS_URL": redis_url.rsplit("/", 1)[0] + "/1",
        }
        create = "import psycopg, sys; psycopg.connect(sys.argv[1], autocommit=True)"
        create += ".execute('CREATE DATABASE ccd')"
        subprocess.run([python, "-c", create, database_url], env=prod, check=True)
        # collectstatic: its production start script runs it before gunicorn.
        for command in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"]):
            subprocess.run([python, "manage.py", *command], cwd=self.project, env=prod, check=True)
        tokens = json.loads(run_in_bake(self.project, MAKE_USERS, prod, str(USERS)))
        self.round_trips = json.loads(
            run_in_bake(
                self.project,
                COUNT_ROUND_TRIPS,
                prod,
                json.dumps({"me": "/api/users/me/"}),
                json.dumps(tokens[:21]),
                "HTTP_AUTHORIZATION",
                "Token ",
            )
        )["me"]
        if instruction_count.available():
            self.instructions = instruction_count.per_request(
                self.project, prod, "/api/users/me/", "HTTP_AUTHORIZATION", f"Token {tokens[-1]}"
            )
        gunicorn = [str(self.project / ".venv" / "bin" / "gunicorn"), "config.wsgi"]
        gunicorn += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
        with serving(gunicorn, self.project, prod, port, self.workdir / f"{NAME}.log"):
            script = token_script(tokens, self.workdir / f"{NAME}.lua", "Authorization", "Token ")
            yield Server(NAME, port, script, ("me",))


def rows(
    http: dict[str, Any], round_trips: dict[str, float], instructions: float | None
) -> list[tuple[str, str]]:
    """The table's rows: its `/api/users/me/`, then ours against it: the ratio of the median
    throughputs, the spread of each round's ratio (the two loaded seconds apart), and the
    instructions a request takes in the web process, when counted."""
    ours, theirs = http["medians"]["project me"], http["medians"][f"{NAME} me"]
    per_round = sorted(
        mine["requests_per_second"] / other["requests_per_second"]
        for mine, other in zip(
            http["all_runs"]["project me"], http["all_runs"][f"{NAME} me"], strict=True
        )
    )
    result = [
        (
            f"  {NAME}, same servers, {http['workers']} workers, no throttle",
            f"{theirs['requests_per_second']:.0f} req/s, p50 {theirs['p50_ms']:.1f} ms, "
            f"p99 {theirs['p99_ms']:.1f} ms; {round_trips['sql']:g} SQL, "
            f"{round_trips['redis']:g} Redis per request",
        ),
        (
            f"  ratio project / {NAME} (medians)",
            f"{ours['requests_per_second'] / theirs['requests_per_second']:.2f}",
        ),
        (
            f"  ratio project / {NAME}, each round (lowest, median, highest)",
            f"{per_round[0]:.2f}, {statistics.median(per_round):.2f}, {per_round[-1]:.2f}",
        ),
    ]
    mine = http["instructions"].get("me")
    if instructions and mine:
        result.append(
            (
                f"  instructions per request in the web process, project / {NAME}",
                f"{mine / 1e6:.2f} M / {instructions / 1e6:.2f} M: "
                f"{instructions / mine:.2f}x fewer",
            )
        )
    return result
