"""Shared fixtures: bake the template into a temporary directory, and run commands in a bake.

Also the order in which xdist hands the tests out.
"""

import itertools
import os
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from cookiecutter.generate import generate_context
from cookiecutter.main import cookiecutter
from cookiecutter.prompt import prompt_for_config
from cookiecutter.utils import create_env_with_context

from tests.combinations import TEMPLATE_DIR, required_combinations
from tests.runner import Ran, run_bounded

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


type EnvironmentFor = Callable[..., dict[str, str]]


@pytest.fixture(scope="session")
def environment_for(tmp_path_factory: pytest.TempPathFactory) -> EnvironmentFor:
    """Return `environment_for(project, production=False) -> env`: the variables that have uv
    install `project` into this xdist worker's virtualenv for its Python (and for production:
    without the dev group), shared by the worker's bakes (uv's UV_PROJECT_ENVIRONMENT).

    Python compiles a module's bytecode the first time a process imports it: 10 to 13 s of CPU
    for Django, DRF, pytest, Schemathesis and the rest in each new virtualenv. A worker runs one
    bake's commands at a time, so its bakes can take turns in one virtualenv: each `uv sync` makes
    it exactly what that bake's lock asks, and the packages the bakes share keep their bytecode.
    """
    root = tmp_path_factory.mktemp("environments")

    def _for(project: Path, *, production: bool = False) -> dict[str, str]:
        python = (project / ".python-version").read_text(encoding="utf-8").strip()
        name = f"{'production' if production else 'development'}-{python}"
        return {"UV_PROJECT_ENVIRONMENT": str(root / name)}

    return _for


type HookContext = Callable[..., dict[str, Any]]
type RunHook = Callable[[str, dict[str, Any], Path], subprocess.CompletedProcess[str]]


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


# --- Order across xdist workers ---------------------------------------------------------------

# `--dist loadscope` (pyproject.toml) keeps a module's tests on one worker, and a class's: so a
# module's deployment starts once, and each covering-set bake (a class in test_gate.py) is gated
# once. xdist hands the scopes out in collection order (--no-loadscope-reorder), which this hook
# sets: first the gates of the defaults on each Python (each leaves its mypy cache for the later
# gates with its Python and models modules, tests/gates.py), then the modules below, longest
# first, so that no long scope is handed out last, keeping one worker busy after the other has
# finished. The four deployments and the git hooks take 35 to 60 s each; the rest take seconds
# and fill in at the end.
LONGEST_FIRST = (
    "tests/test_update.py",
    "tests/test_gate.py",
    "tests/test_celery_integration.py",
    "tests/test_browser.py",
    "tests/test_prod_live.py",
    "tests/test_scale_out.py",
    "tests/test_git_hooks.py",
)
FIRST_GATES = required_combinations()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        if getattr(getattr(item, "cls", None), "combination", None) in FIRST_GATES:
            return -1
        module = item.nodeid.partition("::")[0]
        return LONGEST_FIRST.index(module) if module in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)
