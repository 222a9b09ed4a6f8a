"""The benchmarks' way into a baked project: its package name, and Python run in its venv."""

import subprocess
from pathlib import Path


def slug_of(project: Path) -> str:
    """The project's package (the directory holding users/models.py)."""
    return next(path.parent.parent.name for path in project.glob("*/users/models.py"))


def run_in_bake(project: Path, code: str, env: dict[str, str], *args: str) -> str:
    """Run `code` with the bake's own Python in its directory; return its last line of output."""
    result = subprocess.run(
        [str(project / ".venv" / "bin" / "python"), "-c", code, *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"benchmark code failed in the bake:\n{result.stdout}{result.stderr}")
    return result.stdout.strip().splitlines()[-1]
