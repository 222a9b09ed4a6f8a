"""A bake's `make gate`, run by the template's tests: its time limit, its caches, its verdict.

Used by the covering set's gates (test_gate.py) and by the updated project's gate
(test_update.py).
"""

import contextlib
import hashlib
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

from tests.runner import Ran

# Seconds one `make gate` may take: about a minute on 2 cores running two gates at a time, warm
# uv cache or cold; the margin is for slower machines, not for a hanging command.
GATE_TIMEOUT = 20 * 60
# pytest's closing line, with at least one passed test: exit code 5 (no test ran) has none.
PYTEST_PASSED = re.compile(r"^=+ (?:.*, )?[1-9]\d* passed\b.* in .*=+$", re.MULTILINE)
# pytest's header names the Python that the project's tests ran on.
PYTEST_PYTHON = re.compile(r"^platform \S+ -- Python (?P<version>\d+\.\d+)\.", re.MULTILINE)


def gate_targets(project: Path) -> list[str]:
    """The targets that the project's `make gate` runs, in order, from its Makefile."""
    makefile = (project / "Makefile").read_text(encoding="utf-8")
    rule = re.search(r"^gate: (?P<targets>[a-z -]+?)\s+##", makefile, re.M)
    assert rule, "the Makefile has no gate rule"
    return rule["targets"].split()


def models_modules(project: Path) -> str:
    """A short name for the set of the project's models modules. Only bakes that have the same set
    share a mypy cache: django-stubs' plugin reads each app's models module from the cache, and a
    cache from a bake with core/models.py (Celery's) made mypy look for it in a bake without."""
    found = sorted(
        str(path.relative_to(project))
        for path in project.glob("*/**/models.py")
        if ".venv" not in path.parts
    )
    return hashlib.sha256("\n".join(found).encode()).hexdigest()[:12]


def start_from_shared_mypy_cache(project: Path, mypy_caches: Path) -> Path:
    """Copy the mypy cache an earlier gate left for `project`'s Python and models, if any; return
    where that cache is kept (its seed).

    mypy spends most of its time in the type stubs of Django and DRF, the same in every bake.
    A copy of another bake's cache is safe: mypy re-checks every module whose source or
    dependencies differ (it compares contents, not only paths and times), and reuses the rest.
    """
    python_version = (project / ".python-version").read_text(encoding="utf-8").strip()
    seed = mypy_caches / f"{python_version}-{models_modules(project)}"
    if seed.is_dir():
        shutil.copytree(seed, project / ".mypy_cache")
    return seed


def gate_with_shared_caches(project: Path, mypy_caches: Path, make_gate: Callable[[], Ran]) -> Ran:
    """Run `make_gate` from the mypy cache an earlier gate left, if any; once it passes, offer
    this bake's mypy cache to later bakes: the first gate to pass on each Python and set of
    models modules offers its cache to the later ones, across workers."""
    seed = start_from_shared_mypy_cache(project, mypy_caches)
    gate = make_gate()
    if not gate.ok:
        return gate
    if not seed.exists() and (project / ".mypy_cache").is_dir():
        mypy_caches.mkdir(exist_ok=True)
        staging = mypy_caches / f"{seed.name}-{os.getpid()}"
        shutil.copytree(project / ".mypy_cache", staging)
        with contextlib.suppress(OSError):  # another worker's copy got there first
            staging.rename(seed)
        shutil.rmtree(staging, ignore_errors=True)
    return gate
