"""A bake's git hooks (`.pre-commit-config.yaml`, installed by `make hooks`), run for real.

One bake of the defaults becomes a git repository, installs its dependencies and its hooks, and
commits everything without a network: the hooks pass and change no file. Then a commit with a lint
error, and one with a model change but no migration, are each refused by the hook that should
refuse them, and the next test starts again from the first commit. pre-commit runs the same
configuration, and the audit's export of the locked dependencies is checked here too, since it
needs an installed bake (the audit itself needs the network: CI runs it).
"""

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.combinations import required_combinations
from tests.conftest import Bake, EnvironmentFor, Run
from tests.gates import start_from_shared_mypy_cache
from tests.runner import GIT_ENV, Ran, git, offline_prefix

TOOLS = Path(sys.executable).parent  # the template's virtualenv: pre-commit is there
# Seconds for `make hooks` (a new virtualenv) and for a commit (mypy's first run fills its cache).
INSTALL_TIMEOUT = 10 * 60
COMMIT_TIMEOUT = 5 * 60
# The defaults on the supported Python that is not the default: their gate, one of the first to
# run, leaves a mypy cache for the same Python and models, which the first commit's mypy hook
# starts from (tests/gates.py).
HOOKED = required_combinations()[-1]
# How prek and pre-commit report each hook: its name, dots, then the verdict.
HOOK_RESULT = re.compile(r"^(?P<name>\S.*?)\.{3,}(?P<verdict>Passed|Failed|Skipped)$", re.MULTILINE)


@dataclass(frozen=True)
class HookedBake:
    project: Path
    logs: Path
    env: dict[str, str]  # git's identity, the worker's shared virtualenv (conftest)
    first_commit: Ran


def hook_names(project: Path) -> list[str]:
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    return [hook["name"] for repo in config["repos"] for hook in repo["hooks"]]


def verdicts(output: str) -> dict[str, str]:
    """Each hook's name and verdict, as the run printed them."""
    return {match["name"]: match["verdict"] for match in HOOK_RESULT.finditer(output)}


@pytest.fixture(scope="module")
def hooked(
    shared_bake: Bake,
    run: Run,
    tmp_path_factory: pytest.TempPathFactory,
    environment_for: EnvironmentFor,
    mypy_caches: Path,
) -> HookedBake:
    """A bake of the defaults with its hooks installed and everything committed once, offline."""
    project = shared_bake(**HOOKED)
    start_from_shared_mypy_cache(project, mypy_caches)
    logs = tmp_path_factory.mktemp("git-hooks-logs")
    env = GIT_ENV | environment_for(project)
    git("init", "--quiet", "--initial-branch=main", cwd=project)
    run(["make", "hooks"], project, INSTALL_TIMEOUT, logs / "make-hooks.log", env).expect_success()
    git("add", "--all", cwd=project)
    first_commit = commit(run, project, logs / "first-commit.log", env)
    return HookedBake(project, logs, env, first_commit)


def commit(run: Run, project: Path, log: Path, env: dict[str, str]) -> Ran:
    """`git commit` of what is staged, with no network: the hooks must not need one."""
    command = [*offline_prefix(), "git", "commit", "--message", "A commit"]
    return run(command, project, COMMIT_TIMEOUT, log, env)


def refused_commit(hooked: HookedBake, run: Run, path: str, text: str, log_name: str) -> Ran:
    """Write `text` to `path`, try to commit it, then go back to the first commit."""
    hooked.first_commit.expect_success()
    target = hooked.project / path
    try:
        target.write_text(text, encoding="utf-8")
        git("add", "--all", cwd=hooked.project)
        attempt = commit(run, hooked.project, hooked.logs / log_name, hooked.env)
        assert git("rev-list", "--count", "HEAD", cwd=hooked.project).strip() == "1"
    finally:
        git("reset", "--hard", "--quiet", "HEAD", cwd=hooked.project)
        git("clean", "--force", "-d", "--quiet", cwd=hooked.project)  # not ignored files
    return attempt


def test_hooks_pass_offline_on_a_fresh_bake_and_change_nothing(hooked: HookedBake) -> None:
    hooked.first_commit.expect_success()

    assert verdicts(hooked.first_commit.output) == dict.fromkeys(
        hook_names(hooked.project), "Passed"
    )
    assert git("status", "--porcelain", cwd=hooked.project) == ""  # no hook changed a file


def test_every_hook_runs_a_tool_of_the_project_environment(hooked: HookedBake) -> None:
    config = yaml.safe_load((hooked.project / ".pre-commit-config.yaml").read_text("utf-8"))

    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    for hook in config["repos"][0]["hooks"]:
        assert hook["language"] == "unsupported", hook["id"]
        assert hook["entry"].startswith(("uv run --frozen ", "uv lock ")), hook["id"]
    installed = (hooked.project / ".git/hooks/pre-commit").read_text(encoding="utf-8")
    assert "prek" in installed


def test_a_commit_with_a_lint_error_is_refused(hooked: HookedBake, run: Run) -> None:
    # S307 (eval): an error ruff cannot fix by itself; the module is typed, for mypy.
    source = '"""Evaluate."""\n\n\ndef evaluate(expression: str) -> object:\n'
    source += "    return eval(expression)\n"

    module = f"{hooked.project.name}/core/evaluate.py"

    attempt = refused_commit(hooked, run, module, source, "lint.log")

    assert not attempt.ok
    failed = [name for name, verdict in verdicts(attempt.output).items() if verdict == "Failed"]
    assert failed == ["ruff check --fix"]
    assert "S307" in attempt.output


def test_a_model_change_without_its_migration_is_refused(hooked: HookedBake, run: Run) -> None:
    models_path = f"{hooked.project.name}/projects/models.py"
    models = (hooked.project / models_path).read_text(encoding="utf-8")
    field = "    name = models.CharField(max_length=50)\n"
    assert field in models  # Label's name, the first field named so
    changed = models.replace(
        field, f"{field}    color = models.CharField(max_length=7, blank=True)\n", 1
    )

    attempt = refused_commit(hooked, run, models_path, changed, "migration.log")

    assert not attempt.ok
    failed = [name for name, verdict in verdicts(attempt.output).items() if verdict == "Failed"]
    assert failed == ["makemigrations --check"]
    assert "Migrations for 'projects'" in attempt.output


def test_pre_commit_runs_the_same_hooks_and_they_pass(
    hooked: HookedBake, run: Run, tmp_path: Path
) -> None:
    hooked.first_commit.expect_success()
    command = [*offline_prefix(), TOOLS / "pre-commit", "run", "--all-files"]
    env = hooked.env | {"PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}

    ran = run(command, hooked.project, COMMIT_TIMEOUT, hooked.logs / "pre-commit.log", env)

    ran.expect_success()
    assert verdicts(ran.output) == dict.fromkeys(hook_names(hooked.project), "Passed")


def test_audit_gets_the_locked_production_dependencies_and_its_exceptions(
    hooked: HookedBake, run: Run
) -> None:
    """`make audit` as CI runs it, minus pip-audit's download of vulnerability data: the
    export it audits (run offline), and the accepted exceptions passed to pip-audit."""
    hooked.first_commit.expect_success()
    exception = "--ignore-vuln GHSA-aaaa-bbbb-cccc"
    dry_run = audit_commands(hooked.project, f"AUDIT_IGNORE={exception}")
    export, audit = dry_run.splitlines()

    ran = run(
        [*offline_prefix(), "sh", "-c", export], hooked.project, 120, hooked.logs / "export.log"
    )

    ran.expect_success()
    assert audit.startswith("uvx pip-audit==")
    assert audit.endswith(exception)
    requirements = (hooked.project / ".audit-requirements.txt").read_text(encoding="utf-8")
    assert re.search(r"^django==6\.1\.\d+ \\\n +--hash=sha256:", requirements, re.MULTILINE)
    assert "\npytest==" not in requirements  # production dependencies only
    assert git("status", "--porcelain", cwd=hooked.project) == ""  # the export is git-ignored


def audit_commands(project: Path, *variables: str) -> str:
    """The commands `make audit` would run, with `variables` set, without running them."""
    return subprocess.run(
        ["make", "--dry-run", "--no-print-directory", "audit", *variables],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
