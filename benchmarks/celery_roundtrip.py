"""Celery round trip on a real Redis: latency and throughput of trivial tasks (not a test).

Bakes the default project (or reuses one: --project), installs it without dev dependencies,
starts a throwaway Redis on 127.0.0.1 and a worker with the project's production settings, then
sends trivial tasks (they return their argument) and waits for each result:

- latency: one task at a time, from `delay()` to the result back in the caller (p50/p95/p99);
- throughput: all tasks queued at once, tasks per second until the last result is in.

    uv run python -m benchmarks.celery_roundtrip [--tasks 300] [--concurrency 2] [--project DIR]

The numbers include the reliability settings the project ships (late acknowledgement, one task
prefetched per process, results stored in Redis); they measure the machinery, not your tasks.
"""

import argparse
import contextlib
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import bake_into
from tests.runner import start_in_group, stop_groups
from tests.services import free_port, redis_server

WAIT = 60  # seconds for the worker to start, or for any one result

TASKS = """\
from config.celery import app


@app.task(name="benchmark.echo")
def echo(value):
    return value
"""

CLIENT = """\
import json, statistics, sys, time
import django
django.setup()
from benchmark_tasks import echo

count = int(sys.argv[1])
echo.delay(-1).get(timeout=60)  # warm up: connections, imports
latencies = []
for value in range(count):
    started = time.perf_counter()
    assert echo.delay(value).get(timeout=60) == value
    latencies.append(time.perf_counter() - started)
started = time.perf_counter()
results = [echo.delay(value) for value in range(count)]
assert [result.get(timeout=60) for result in results] == list(range(count))
elapsed = time.perf_counter() - started
percentiles = statistics.quantiles(latencies, n=100)
print(json.dumps({
    "p50": percentiles[49], "p95": percentiles[94], "p99": percentiles[98],
    "mean": statistics.fmean(latencies), "max": max(latencies),
    "throughput": count / elapsed, "elapsed": elapsed,
}))
"""


def install(project: Path, workdir: Path) -> Path:
    """The project's production dependencies in a virtualenv of their own; its bin folder."""
    venv = workdir / "venv"
    env = os.environ | {"UV_PROJECT_ENVIRONMENT": str(venv)}
    env.pop("VIRTUAL_ENV", None)
    for command in (["uv", "lock", "--quiet"], ["uv", "sync", "--locked", "--no-dev", "--quiet"]):
        subprocess.run(command, cwd=project, env=env, check=True, timeout=10 * 60)
    return venv / "bin"


@contextlib.contextmanager
def worker(
    bin_dir: Path, project: Path, env: dict[str, str], concurrency: int, log: Path
) -> Iterator[None]:
    """A worker in its own process group, ready before this yields, stopped after."""
    command = [str(bin_dir / "celery"), "--app", "config", "worker"]
    options = ["--concurrency", str(concurrency), "--include", "benchmark_tasks"]
    process = start_in_group([*command, *options], project, env, log)
    try:
        deadline = time.monotonic() + WAIT
        while "ready." not in log.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the worker did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield
    finally:
        stop_groups([process])


def measure(project: Path, workdir: Path, tasks: int, concurrency: int) -> dict[str, float]:
    bin_dir = install(project, workdir)
    helpers = workdir / "helpers"
    helpers.mkdir()
    (helpers / "benchmark_tasks.py").write_text(TASKS, encoding="utf-8")
    (helpers / "client.py").write_text(CLIENT, encoding="utf-8")
    with redis_server() as redis_url:
        env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("VIRTUAL_ENV", "DJANGO_"))
        } | {
            "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "example.com",
            "DJANGO_ADMIN_URL": "staff/",
            "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",  # the tasks use none
            "REDIS_URL": redis_url,
            "DJANGO_SMTP_URL": f"smtp://127.0.0.1:{free_port()}",  # nor this
            "PYTHONPATH": os.pathsep.join([str(project), str(helpers)]),
        }
        with worker(bin_dir, project, env, concurrency, workdir / "worker.log"):
            client = subprocess.run(
                [str(bin_dir / "python"), str(helpers / "client.py"), str(tasks)],
                cwd=project,
                env=env,
                capture_output=True,
                text=True,
                timeout=10 * 60,
                check=False,
            )
    if client.returncode != 0:
        raise SystemExit(f"the client failed:\n{client.stdout}{client.stderr}")
    measured: dict[str, float] = json.loads(client.stdout.strip().splitlines()[-1])
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=300, help="tasks per measurement (300)")
    parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--project", type=Path, help="a bake to reuse instead of a new one")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="celery-benchmark-") as tmp:
        workdir = Path(tmp)
        project = args.project.resolve() if args.project else bake_into(workdir / "bake")
        result = measure(project, workdir, args.tasks, args.concurrency)
    ms = {name: value * 1000 for name, value in result.items() if name != "throughput"}
    print(f"Celery round trip, Redis on 127.0.0.1, {args.concurrency} worker processes")
    print(
        f"latency, {args.tasks} tasks one at a time: p50 {ms['p50']:.1f} ms, "
        f"p95 {ms['p95']:.1f} ms, p99 {ms['p99']:.1f} ms "
        f"(mean {ms['mean']:.1f} ms, max {ms['max']:.1f} ms)"
    )
    print(
        f"throughput, {args.tasks} tasks queued at once: {result['throughput']:.0f} tasks/s "
        f"({ms['elapsed'] / 1000:.2f} s for all)"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
