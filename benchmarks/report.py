"""The benchmark's table as a Markdown page, with what a run can read about its machine.

The page is overwritten on every run (docs/benchmark.md unless --output says otherwise), so the
README links the latest numbers instead of carrying dated ones.
"""

import datetime
import os
import platform
from collections.abc import Sequence
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "benchmark.md"


def machine_facts(now: datetime.datetime) -> dict[str, str]:
    """What this machine and moment are, as far as Python can tell without extra tools."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {
        "Date of the run (UTC)": now.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M"),
        "CPU cores": str(os.cpu_count()),
        "Architecture": platform.machine(),
        "Memory": f"{memory / 2**30:.1f} GiB",
        "System": platform.platform(terse=True),
        "Python (harness)": platform.python_version(),
        "Load average at the end (1 min)": f"{os.getloadavg()[0]:.1f}",
    }


def markdown(rows: Sequence[tuple[str, str]], facts: dict[str, str], notes: Sequence[str]) -> str:
    """The page: a title, the machine, how it was measured, then one table row per measure."""
    lines = [
        "# Benchmark",
        "",
        "Written by `uv run python -m benchmarks` (see the README); every run overwrites it.",
        "Numbers belong to this machine and moment: compare within one run, as the ratios do.",
        "",
        *(f"- {name}: {value}" for name, value in facts.items()),
        *(f"- {note}" for note in notes),
        "",
        "| Measure | Result |",
        "| --- | --- |",
        *(f"| {name} | {value} |" for name, value in rows),
    ]
    return "\n".join(lines) + "\n"
