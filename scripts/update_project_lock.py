"""Refresh the uv.lock that generated projects start from.

Bakes the project with every optional dependency selected, locks it (upgrading with --upgrade),
drops the project's own entry (its name and dependencies depend on the answers) and writes the
rest to the template. A bake's first `uv sync` adds its own entry back and keeps these versions.

    uv run python scripts/update_project_lock.py [--upgrade]
"""

import argparse
import subprocess
import tempfile
from pathlib import Path

from cookiecutter.main import cookiecutter

TEMPLATE_DIR = Path(__file__).resolve().parents[1]
TEMPLATE_LOCK = TEMPLATE_DIR / "{{cookiecutter.project_slug or 'empty_slug'}}" / "uv.lock"
EVERY_DEPENDENCY = {"use_celery": True, "include_example_app": True, "use_sentry": True}


def without_project_entry(lock: str, project_name: str) -> str:
    packages = lock.split("\n[[package]]\n")
    kept = [block for block in packages if not block.startswith(f'name = "{project_name}"\n')]
    if len(kept) != len(packages) - 1:
        raise SystemExit(f"expected exactly one entry for {project_name} in the lock")
    return "\n[[package]]\n".join(kept)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upgrade", action="store_true", help="move every package to its newest")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(
            cookiecutter(
                str(TEMPLATE_DIR),
                no_input=True,
                extra_context=EVERY_DEPENDENCY,
                output_dir=tmp,
                accept_hooks=False,  # only pyproject.toml matters here
            )
        )
        command = ["uv", "lock", *(["--upgrade"] if args.upgrade else [])]
        subprocess.run(command, cwd=project, check=True)
        project_name = project.name.replace("_", "-")
        lock = (project / "uv.lock").read_text()
    TEMPLATE_LOCK.write_text(without_project_entry(lock, project_name))
    print(f"wrote {TEMPLATE_LOCK.relative_to(TEMPLATE_DIR)}")


if __name__ == "__main__":
    main()
