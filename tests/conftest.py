"""Shared fixtures: bake the template into a temporary directory, and run commands in a bake.

Also the xdist scheduling that keeps the tests of one gated bake on one worker.
"""

import itertools
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from cookiecutter.generate import generate_context
from cookiecutter.main import cookiecutter
from cookiecutter.prompt import prompt_for_config
from cookiecutter.utils import create_env_with_context
from xdist.remote import Producer
from xdist.scheduler import LoadScopeScheduling

from tests.combinations import (
    TEMPLATE_DIR,
    combination_id,
    covering_set,
    required_combinations,
)
from tests.runner import Ran, run_bounded
from tests.services import SmtpSink, smtp_sink

type Bake = Callable[..., Path]
type Run = Callable[..., Ran]

# Variables of the template's own run that must not leak into a bake's tools: the template's
# virtualenv, pytest's (and xdist's) own settings, and a Django settings module.
ISOLATED_PREFIXES = ("VIRTUAL_ENV", "PYTEST_", "DJANGO_")
# A bake's pytest runs in one process here: the template's suite already keeps every core busy
# (one gate per core), and each xdist worker of a bake would start Django and collect the suite
# again for nothing (on 2 cores, 60 % more CPU for its gate's tests).
ONE_PROCESS_PYTEST = "--numprocesses=0"


def bake_into(output_dir: Path, **context: object) -> Path:
    """Bake the template with `context` over its defaults into `output_dir`; return the project."""
    return Path(
        cookiecutter(
            str(TEMPLATE_DIR),
            no_input=True,
            extra_context=context,
            output_dir=str(output_dir),
        )
    )


@pytest.fixture
def bake(tmp_path: Path) -> Bake:
    """Return a function that bakes the template with `extra_context` and returns the project."""
    counter = itertools.count()

    def _bake(**context: object) -> Path:
        return bake_into(tmp_path / f"bake{next(counter)}", **context)

    return _bake


@pytest.fixture(scope="session")
def shared_bake(tmp_path_factory: pytest.TempPathFactory) -> Bake:
    """`bake` for fixtures wider than a test: each call bakes into a fresh temporary directory."""

    def _bake(**context: object) -> Path:
        return bake_into(tmp_path_factory.mktemp("bake"), **context)

    return _bake


@pytest.fixture(scope="session")
def uv_cache_dir() -> str:
    """One uv cache for every bake of the session: UV_CACHE_DIR if set, else the user's cache."""
    if cache := os.environ.get("UV_CACHE_DIR"):
        return cache
    return subprocess.run(
        ["uv", "cache", "dir"], check=True, capture_output=True, text=True, timeout=60
    ).stdout.strip()


@pytest.fixture(scope="session")
def bake_env(uv_cache_dir: str) -> dict[str, str]:
    """The environment a bake's commands run in (UV_PYTHON_DOWNLOADS is left as the user has it).

    PYTHONDONTWRITEBYTECODE goes: without bytecode every Django start-up compiles anew (4x slower).
    UV_COMPILE_BYTECODE goes too: Python then writes the bytecode of what it imports, once, where
    compiling all of a bake's 5,000 installed files up front costs about 17 s of CPU per install.
    """
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(ISOLATED_PREFIXES)
        and name not in {"PYTHONDONTWRITEBYTECODE", "UV_COMPILE_BYTECODE"}
    }
    return env | {"UV_CACHE_DIR": uv_cache_dir, "PYTEST_ADDOPTS": ONE_PROCESS_PYTEST}


@pytest.fixture(scope="session")
def run(bake_env: dict[str, str]) -> Run:
    """Return `run(command, cwd, timeout, log, env=None) -> Ran` in the bake environment (with
    `env` over it)."""

    def _run(
        command: Sequence[str | Path],
        cwd: Path,
        timeout: float,
        log: Path,
        env: Mapping[str, str] | None = None,
    ) -> Ran:
        return run_bounded(command, cwd, bake_env | dict(env or {}), timeout, log)

    return _run


@pytest.fixture(scope="session")
def mypy_caches(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where gates leave their mypy caches for later gates, across workers (tests/gates.py)."""
    return tmp_path_factory.getbasetemp().parent / "mypy-caches"


@pytest.fixture(scope="session")
def bytecode_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where bakes' virtualenvs give their compiled bytecode to later ones, across workers
    (tests/bytecode.py)."""
    return tmp_path_factory.getbasetemp().parent / "bytecode"


type HookContext = Callable[..., dict[str, Any]]
type RunHook = Callable[[str, dict[str, Any], Path], subprocess.CompletedProcess[str]]


@pytest.fixture(scope="module")
def mailbox() -> Iterator[SmtpSink]:
    """A mail server for a module's deployment: it keeps what the deployment's worker sends."""
    with smtp_sink() as sink:
        yield sink


@pytest.fixture
def hook_context(tmp_path: Path) -> HookContext:
    """Return a function that builds the context cookiecutter renders the hooks with.

    The same steps as `cookiecutter --no-input`: defaults from cookiecutter.json, `context`
    over them (yes/no words become booleans), then the defaults that are templates rendered.
    """

    def _context(**context: object) -> dict[str, Any]:
        full = generate_context(str(TEMPLATE_DIR / "cookiecutter.json"), extra_context=context)
        full["cookiecutter"].update(prompt_for_config(full, no_input=True))
        full["cookiecutter"] |= {
            "_template": str(TEMPLATE_DIR),
            "_output_dir": str(tmp_path),
            "_repo_dir": str(TEMPLATE_DIR),
            "_checkout": None,
        }
        return full

    return _context


@pytest.fixture
def run_hook(tmp_path_factory: pytest.TempPathFactory) -> RunHook:
    """Return `run_hook(name, context, cwd)`: render hooks/<name>.py like cookiecutter, run it."""
    rendered_dir = tmp_path_factory.mktemp("rendered_hooks")

    def _run(name: str, context: dict[str, Any], cwd: Path) -> subprocess.CompletedProcess[str]:
        source = (TEMPLATE_DIR / "hooks" / f"{name}.py").read_text(encoding="utf-8")
        script = rendered_dir / f"{name}.py"
        rendered = create_env_with_context(context).from_string(source).render(**context)
        script.write_text(rendered, encoding="utf-8")
        return subprocess.run(
            [sys.executable, str(script)],
            cwd=cwd,
            capture_output=True,
            encoding="utf-8",
            check=False,
            timeout=60,
        )

    return _run


# --- Scheduling across xdist workers ----------------------------------------------------------

GATED_IDS = frozenset(combination_id(combination) for combination in covering_set())
# Modules whose tests share servers and a bake started once by a module-scoped fixture.
SHARED_FIXTURE_MODULES = frozenset(
    {
        "tests/test_browser.py",
        "tests/test_celery_integration.py",
        "tests/test_git_hooks.py",
        "tests/test_prod_live.py",
        "tests/test_scale_out.py",
    }
)
# Modules by the time their scopes take, longest first. xdist hands scopes out in collection
# order (--no-loadscope-reorder, pyproject.toml): a long scope handed out last would keep one
# worker busy while the others have finished. test_update.py leads: its two updates (about 80 s
# each) are scopes of one test, and a worker that starts a one-test scope takes the next scope
# at once (it runs a test only when it knows the one after); late in the order, that next scope
# would wait behind the update while the other worker runs out of work. The four deployments
# take 35 to 45 s each: one that mostly waits on its servers (Celery's redelivery, the live
# production checks) goes beside one whose processes keep both cores busy (Chromium, the
# scaled-out cluster), not beside the other.
LONGEST_FIRST = (
    "tests/test_update.py",
    "tests/test_gate.py",
    "tests/test_celery_integration.py",
    "tests/test_browser.py",
    "tests/test_prod_live.py",
    "tests/test_scale_out.py",
)


# Before all of them, the gates of the defaults on each Python: each compiles the bytecode and
# builds the mypy cache that the later bakes on its Python take (tests/bytecode.py,
# tests/gates.py), the update tests' included.
FIRST_GATES = frozenset(combination_id(combination) for combination in required_combinations())


def combination_in(nodeid: str) -> str:
    """`username-nocelery-py3.12-MIT` for `tests/test_gate.py::test_x[username-nocelery-...]`."""
    return nodeid.partition("[")[2].removesuffix("]")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put the tests of FIRST_GATES' bakes first, then those of LONGEST_FIRST in that order; the
    others keep theirs."""

    def rank(item: pytest.Item) -> int:
        module = item.nodeid.partition("::")[0]
        if module == "tests/test_gate.py" and combination_in(item.nodeid) in FIRST_GATES:
            return -1
        return LONGEST_FIRST.index(module) if module in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)


class GatedBakeScheduling(LoadScopeScheduling):
    """`--dist loadscope`, scoped so that the tests reading one gated bake share a worker.

    A scope is the combination's test id (`[username-nocelery-py3.12-MIT]`) for the tests of
    test_gate.py that read a gated bake, the module for SHARED_FIXTURE_MODULES, and the test
    itself for every other test; scopes are handed out longest first (LONGEST_FIRST). `--dist
    loadgroup` with xdist_group marks would say the same, but it silently stops grouping with
    pytest 9.2 (pytest-xdist#1386).
    """

    def _split_scope(self, nodeid: str) -> str:
        module = nodeid.partition("::")[0]
        if module in SHARED_FIXTURE_MODULES:
            return module
        combination = combination_in(nodeid)
        return f"gated bake {combination}" if combination in GATED_IDS else nodeid


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Producer) -> GatedBakeScheduling | None:
    """Schedule with GatedBakeScheduling where `--dist loadscope` is asked for (pyproject.toml)."""
    return GatedBakeScheduling(config, log) if config.getvalue("dist") == "loadscope" else None
