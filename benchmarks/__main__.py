"""Bake the default project and print how fast it is to get to green, to serve and to queue.

    uv run python -m benchmarks [--seconds 10] [--tasks 300] [--json FILE]

Needs what the template's integration tests need (PostgreSQL server binaries, redis-server) and
wrk. Numbers depend on the machine: compare runs on the same one. Benchmarks print; they never
fail on a number.
"""

import argparse
import json
import os
import platform
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks import celery_roundtrip, http_throughput, list_queries
from tests.conftest import bake_into


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True, timeout=30 * 60)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="load per server (10)")
    parser.add_argument("--tasks", type=int, default=300, help="Celery tasks per measurement")
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    args = parser.parse_args()
    env = {
        k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONDONTWRITEBYTECODE"}
    }
    rows: list[tuple[str, str]] = []
    numbers: dict[str, object] = {"machine": f"{platform.machine()}, {os.cpu_count()} cores"}

    with tempfile.TemporaryDirectory(prefix="benchmark-") as tmp:
        workdir = Path(tmp)
        started = time.perf_counter()
        project = bake_into(workdir / "bake")
        numbers["bake_s"] = time.perf_counter() - started
        # Warm the uv cache with a throwaway environment, then time the project's own install.
        warm = env | {"UV_PROJECT_ENVIRONMENT": str(workdir / "warm-venv")}
        subprocess.run(["uv", "sync", "--quiet"], cwd=project, env=warm, check=True)
        numbers["install_warm_s"] = timed(["uv", "sync", "--quiet"], project, env)
        numbers["test_suite_s"] = timed(
            ["uv", "run", "pytest", "-q", "-p", "no:cacheprovider"], project, env
        )
        loads = http_throughput.measure(project, workdir, env, seconds=args.seconds)
        numbers["me_endpoint"] = {name: vars(load) for name, load in loads.items()}
        numbers["list_queries"] = list_queries.measure(project, env)
        numbers["celery"] = celery_roundtrip.measure(project, workdir / "celery", args.tasks, 2)

    project_load, bare_load = loads["project"], loads["bare"]
    rows += [
        ("Bake (cookiecutter, defaults)", f"{numbers['bake_s']:.2f} s"),
        ("Install, warm uv cache (uv sync)", f"{numbers['install_warm_s']:.2f} s"),
        ("Generated test suite (pytest)", f"{numbers['test_suite_s']:.1f} s"),
        (
            "GET /api/users/me/, token, prod, 2 workers",
            f"{project_load.requests_per_second:.0f} req/s, "
            f"p50 {project_load.p50_ms:.1f} ms, p99 {project_load.p99_ms:.1f} ms",
        ),
        (
            "Bare single-view Django, same server",
            f"{bare_load.requests_per_second:.0f} req/s, "
            f"p50 {bare_load.p50_ms:.1f} ms, p99 {bare_load.p99_ms:.1f} ms",
        ),
        (
            "Ratio project / bare",
            f"{project_load.requests_per_second / bare_load.requests_per_second:.0%}",
        ),
    ]
    for url, counts in numbers["list_queries"].items():  # type: ignore[attr-defined]
        rows.append((f"Queries, GET {url} at 10 / 100 rows", f"{counts['10']} / {counts['100']}"))
    celery = numbers["celery"]
    rows += [
        (
            "Celery round trip, one at a time",
            f"p50 {celery['p50'] * 1000:.1f} ms, p99 {celery['p99'] * 1000:.1f} ms",
        ),  # type: ignore[index]
        ("Celery throughput, all queued at once", f"{celery['throughput']:.0f} tasks/s"),  # type: ignore[index]
    ]

    width = max(len(name) for name, _ in rows)
    print(f"\nBenchmarks on {numbers['machine']}, Python {platform.python_version()}")
    print(f"| {'Measure'.ljust(width)} | Result |")
    print(f"| {'-' * width} | --- |")
    for name, value in rows:
        print(f"| {name.ljust(width)} | {value} |")
    if args.json:
        args.json.write_text(json.dumps(numbers, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
