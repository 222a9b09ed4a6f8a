"""Bake the default project and print how fast it is to get to green, to serve and to queue.

    uv run python -m benchmarks [--seconds 2] [--rounds 15] [--tasks 300] [--json FILE]
                                [--template OTHER_CHECKOUT] [--http-only]
                                [--cookiecutter-django CHECKOUT] [--output FILE]

Needs what the template's integration tests need (PostgreSQL server binaries, redis-server) and
wrk. With a local checkout of cookiecutter-django (the option, or COOKIECUTTER_DJANGO), its bake's
`GET /api/users/me/` is loaded beside ours (benchmarks/cookiecutter_django.py); without one, that
comparison is skipped. Numbers depend on the machine: compare runs on the same one. The table
is printed and written to docs/benchmark.md with the machine's facts (benchmarks/report.py).
Benchmarks never fail on a number.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from cookiecutter.main import cookiecutter

from benchmarks import celery_roundtrip, cookiecutter_django, http_throughput, list_queries, report
from tests.conftest import bake_into


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True, timeout=30 * 60)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # Many short rounds rather than a few long ones: a shared machine's slow spells last seconds,
    # and a ratio's median over 15 rounds moves less with them than one over 3.
    parser.add_argument("--seconds", type=int, default=2, help="load per server and round (2)")
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds (15)")
    parser.add_argument("--tasks", type=int, default=300, help="Celery tasks per measurement")
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    parser.add_argument(
        "--output", type=Path, default=report.OUTPUT, help="the Markdown table (docs/benchmark.md)"
    )
    parser.add_argument(
        "--template", type=Path, help="bake this checkout of the template instead (before/after)"
    )
    parser.add_argument(
        "--http-only", action="store_true", help="skip the test suite, gate and Celery timings"
    )
    parser.add_argument(
        "--cookiecutter-django",
        type=Path,
        help="a local checkout of cookiecutter-django to compare with (or COOKIECUTTER_DJANGO)",
    )
    args = parser.parse_args()
    env = {
        k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONDONTWRITEBYTECODE"}
    }
    rows: list[tuple[str, str]] = []
    numbers: dict[str, Any] = {"machine": f"{platform.machine()}, {os.cpu_count()} cores"}
    ccd_checkout = cookiecutter_django.checkout_path(args.cookiecutter_django, env)
    ccd = None

    with tempfile.TemporaryDirectory(prefix="benchmark-") as tmp:
        workdir = Path(tmp)
        started = time.perf_counter()
        project = (
            Path(cookiecutter(str(args.template), no_input=True, output_dir=str(workdir / "bake")))
            if args.template
            else bake_into(workdir / "bake")
        )
        numbers["bake_s"] = time.perf_counter() - started
        # Warm the uv cache with a throwaway environment, then time the project's own install.
        warm = env | {"UV_PROJECT_ENVIRONMENT": str(workdir / "warm-venv")}
        subprocess.run(["uv", "sync", "--quiet"], cwd=project, env=warm, check=True)
        numbers["install_warm_s"] = timed(["uv", "sync", "--quiet"], project, env)
        if not args.http_only:
            pytest = ["uv", "run", "pytest", "-q", "-p", "no:cacheprovider"]
            timed(pytest, project, env)  # the first run writes bytecode; the loop runs warm
            numbers["test_suite_s"] = timed(pytest, project, env)
            numbers["gate_cold_s"] = timed(["make", "gate"], project, env)  # empty mypy cache
            numbers["gate_s"] = timed(["make", "gate"], project, env)
        if ccd_checkout:
            ccd_project = cookiecutter_django.bake(ccd_checkout, workdir / "ccd", env)
            ccd = cookiecutter_django.CookiecutterDjango(ccd_project, workdir, env)
        numbers["http"] = http_throughput.measure(
            project,
            workdir,
            env,
            seconds=args.seconds,
            rounds=args.rounds,
            extras=[ccd.serve] if ccd else [],
        )
        if ccd:
            numbers["cookiecutter_django"] = {
                "checkout": str(ccd_checkout),
                "round_trips": ccd.round_trips,
            }
        numbers["list_queries"] = list_queries.measure(project, env)
        if not args.http_only:
            numbers["celery"] = celery_roundtrip.measure(project, workdir / "celery", args.tasks, 2)

    http = numbers["http"]
    rows += [
        ("Bake (cookiecutter, defaults)", f"{numbers['bake_s']:.2f} s"),
        ("Install, warm uv cache (uv sync)", f"{numbers['install_warm_s']:.2f} s"),
    ]
    if not args.http_only:
        rows += [
            ("Generated test suite, warm (uv run pytest)", f"{numbers['test_suite_s']:.1f} s"),
            (
                "make gate, first / again (mypy cache warm)",
                f"{numbers['gate_cold_s']:.1f} s / {numbers['gate_s']:.1f} s",
            ),
        ]
    workers = http["workers"]
    counted = http["instructions"]
    for name, url in http["endpoints"].items():
        project_load, bare_load = (
            http["medians"][f"project {name}"],
            http["medians"][f"bare {name}"],
        )
        trips = http["round_trips"][name]
        rows += [
            (
                f"GET {url}, token, prod, {workers} workers",
                f"{project_load['requests_per_second']:.0f} req/s, p50 "
                f"{project_load['p50_ms']:.1f} ms, p99 {project_load['p99_ms']:.1f} ms; "
                f"{trips['sql']:g} SQL, {trips['redis']:g} Redis per request"
                + (f", {count / 1e6:.2f} M instructions" if (count := counted.get(name)) else ""),
            ),
            (
                "  bare Django, same server and config",
                f"{bare_load['requests_per_second']:.0f} req/s, p50 "
                f"{bare_load['p50_ms']:.1f} ms, p99 {bare_load['p99_ms']:.1f} ms",
            ),
            ("  ratio project / bare (medians)", f"{http['ratios'][name]:.2f}"),
        ]
        if ccd and name == "me":
            rows += cookiecutter_django.rows(http, ccd.round_trips, ccd.instructions)
    for url, counts in numbers["list_queries"].items():
        rows.append((f"Queries, GET {url} at 10 / 100 rows", f"{counts['10']} / {counts['100']}"))
    if celery := numbers.get("celery"):
        rows += [
            (
                "Celery round trip, one at a time",
                f"p50 {celery['p50'] * 1000:.1f} ms, p99 {celery['p99'] * 1000:.1f} ms",
            ),
            ("Celery throughput, all queued at once", f"{celery['throughput']:.0f} tasks/s"),
        ]

    notes = [
        f"HTTP: {http['rounds']} interleaved rounds of {http['seconds']} s per server and "
        f"endpoint, wrk with {http['connections']} connections, {http_throughput.USERS} users",
    ]
    if not counted:
        notes.append("Instruction counts skipped: valgrind is not installed")
    if not ccd:
        notes.append(
            "cookiecutter-django comparison skipped: no checkout given "
            "(--cookiecutter-django PATH or COOKIECUTTER_DJANGO)"
        )
    page = report.markdown(rows, report.machine_facts(datetime.datetime.now(datetime.UTC)), notes)
    print(page)
    args.output.write_text(page, encoding="utf-8")
    print(f"Written to {args.output}")
    if args.json:
        args.json.write_text(json.dumps(numbers, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
