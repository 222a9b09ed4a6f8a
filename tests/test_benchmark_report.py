"""The benchmark's Markdown page (benchmarks/report.py): its table, its machine, where it goes."""

import datetime
import importlib
import os

from benchmarks import cookiecutter_django, report
from tests.combinations import TEMPLATE_DIR

RUN = datetime.datetime(2026, 12, 6, 9, 30, tzinfo=datetime.UTC)


def test_page_has_one_table_row_per_measure_after_the_machine_and_notes() -> None:
    rows = [("Bake (cookiecutter, defaults)", "1.20 s"), ("  bare Django", "900 req/s")]

    page = report.markdown(rows, {"CPU cores": "2"}, ["HTTP: 3 rounds"])

    lines = page.splitlines()
    table = lines.index("| Measure | Result |")
    assert lines[table + 1 :] == [
        "| --- | --- |",
        "| Bake (cookiecutter, defaults) | 1.20 s |",
        "|   bare Django | 900 req/s |",
    ]
    assert lines.index("- CPU cores: 2") < lines.index("- HTTP: 3 rounds") < table


def test_machine_facts_are_this_machine_and_the_run_date() -> None:
    facts = report.machine_facts(RUN)

    assert facts["Date of the run (UTC)"] == "2026-12-06 09:30"
    assert facts["CPU cores"] == str(os.cpu_count())
    assert float(facts["Memory"].removesuffix(" GiB")) > 0


def test_page_goes_where_the_readme_links() -> None:
    readme = (TEMPLATE_DIR / "README.md").read_text(encoding="utf-8")

    assert report.OUTPUT == TEMPLATE_DIR / "docs" / "benchmark.md"
    assert "](docs/benchmark.md)" in readme


def test_every_benchmark_module_imports() -> None:
    """The benchmarks share the tests' helpers: a helper renamed in tests/ must not break them."""
    modules = sorted(path.stem for path in (TEMPLATE_DIR / "benchmarks").glob("*.py"))

    imported = [importlib.import_module(f"benchmarks.{name}").__name__ for name in modules]

    assert "benchmarks.http_throughput" in imported
    assert len(imported) == len(modules)


def run(rate: float) -> dict[str, float]:
    return {"requests_per_second": rate, "p50_ms": 10.0, "p99_ms": 20.0}


def test_comparison_rows_give_the_ratios_and_the_instruction_counts() -> None:
    ours = [run(700), run(400), run(600)]
    theirs = [run(500), run(500), run(400)]
    http = {
        "workers": 3,
        "medians": {"project me": run(600), "cookiecutter-django me": run(500)},
        "all_runs": {"project me": ours, "cookiecutter-django me": theirs},
        "instructions": {"me": 3_600_000},
    }

    rows = dict(cookiecutter_django.rows(http, {"sql": 1, "redis": 0}, 4_860_000))

    assert rows["  ratio project / cookiecutter-django (medians)"] == "1.20"
    # Rounds: 700/500, 400/500, 600/400.
    spread = rows["  ratio project / cookiecutter-django, each round (lowest, median, highest)"]
    assert spread == "0.80, 1.40, 1.50"
    counted = rows["  instructions per request in the web process, project / cookiecutter-django"]
    assert counted == "3.60 M / 4.86 M: 1.35x fewer"
    # Without valgrind, no count and no row.
    assert len(cookiecutter_django.rows(http, {"sql": 1, "redis": 0}, None)) == len(rows) - 1
