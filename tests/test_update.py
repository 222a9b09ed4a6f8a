"""Projects made from the previous release take this one with `cruft update`, as documented.

The previous release is the newest one in CHANGELOG.md that names its commit; this release is the
working tree (committed into a temporary clone of this repository, so uncommitted work counts).
A project is baked from the previous release with cruft, committed, and edited the way a team
edits one; then the steps that the baked README and CHANGELOG.md give are run as written: each
newer release's "Before" notes, the README's update block, the "After" notes. The project must
then hold its team's edits and this release's files, with no rejected hunk or conflict, and pass
its own gate (less the fuzz tests, which the covering set's gates run). Everything is local:
cruft clones the temporary repository.
"""

import difflib
import json
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.combinations import TEMPLATE_DIR, Value
from tests.conftest import EnvironmentFor, bake_into
from tests.gates import GATE_TIMEOUT, PYTEST_PASSED, gate_targets, gate_with_shared_caches
from tests.properties import TEMPLATE_LOCK, locked_versions, project_files
from tests.runner import GIT_ENV, Ran, git, run_bounded

CHANGELOG = TEMPLATE_DIR / "CHANGELOG.md"
RELEASE_HEADING = re.compile(r"^## (?P<version>\d{4}\.\d{1,2}\.\d+) \(\d{4}-\d\d-\d\d\)$", re.M)
RELEASE_COMMIT = re.compile(r"^Commit: `(?P<commit>[0-9a-f]{40})`$", re.M)
SHELL_BLOCK = re.compile(r"^```sh\n(?P<body>.*?)^```$", re.M | re.S)
# "Before `cruft update` ...:" or "After `cruft update` ...:", a paragraph, then a shell block.
NOTE = re.compile(
    r"^(?P<when>Before|After) `cruft update`(?:(?!```).)*?:\n\n```sh\n(?P<body>.*?)^```$",
    re.M | re.S,
)
NOTE_START = re.compile(r"^(?:Before|After) `cruft update`", re.M)
CONFLICT_MARKER = re.compile(rb"^(?:<<<<<<<|>>>>>>>) ", re.M)
CRUFT_PIN = re.compile(r"cruft==(?P<version>[\w.]+)")

# Seconds for one cruft, git or uv command on a bake (a cold uv cache downloads packages).
COMMAND_TIMEOUT = 10 * 60
TEAM = "billing"
TEAM_DEPENDENCY = "python-dateutil"
TEAM_README_PARAGRAPH = "Invoices and payments for the shop, by the billing team."
TEAM_USER_FIELD = "    nickname = models.CharField(max_length=50, blank=True)\n"
# Files of the team's new app, as a team writes them ("{slug}" is the package).
TEAM_APP_FILES = {
    "__init__.py": "",
    "apps.py": """\
from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "{slug}.billing"
""",
    "models.py": """\
from django.db import models


class Invoice(models.Model):
    number = models.CharField(max_length=20, unique=True)
    amount = models.DecimalField(max_digits=10, decimal_places=2)

    def __str__(self) -> str:
        return self.number
""",
    "tests/__init__.py": "",
    "tests/test_models.py": """\
from decimal import Decimal

from {slug}.billing.models import Invoice


def test_invoice_reads_as_its_number() -> None:
    assert str(Invoice(number="2026-001", amount=Decimal("9.90"))) == "2026-001"
""",
}


@dataclass(frozen=True)
class Release:
    version: str
    commit: str | None  # None: this release, the working tree
    notes: dict[str, str]  # "Before" / "After" -> shell commands


def releases(changelog: str) -> list[Release]:
    """The releases of CHANGELOG.md, newest first."""
    headings = list(RELEASE_HEADING.finditer(changelog))
    found = []
    for heading, following in zip(headings, [*headings[1:], None], strict=True):
        section = changelog[heading.end() : following.start() if following else None]
        commit = RELEASE_COMMIT.search(section)
        notes = {note["when"]: note["body"] for note in NOTE.finditer(section)}
        found.append(Release(heading["version"], commit and commit["commit"], notes))
    return found


RELEASES = releases(CHANGELOG.read_text(encoding="utf-8"))


# --- CHANGELOG.md and the version -------------------------------------------------------------


def test_changelog_reads_releases_with_commits_and_notes() -> None:
    changelog = """# Changelog

## 2026.12.0 (2026-12-01)

Before `cruft update` from 2026.11.0:

```sh
echo before
```

After `cruft update`: a paragraph
over two lines:

```sh
echo after
```

## 2026.11.0 (2026-11-24)

Commit: `3db00da8201a89f03bd64a36e993eca163944a14`
"""
    assert releases(changelog) == [
        Release("2026.12.0", None, {"Before": "echo before\n", "After": "echo after\n"}),
        Release("2026.11.0", "3db00da8201a89f03bd64a36e993eca163944a14", {}),
    ]


def test_newest_release_is_the_template_version_and_older_ones_name_their_commit() -> None:
    variables = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text(encoding="utf-8"))
    pyproject = tomllib.loads((TEMPLATE_DIR / "pyproject.toml").read_text(encoding="utf-8"))
    newest, *older = RELEASES

    assert newest.version == variables["_template_version"] == pyproject["project"]["version"]
    assert newest.commit is None, "the newest release is the working tree: it names no commit"
    assert older, "CHANGELOG.md names no earlier release to update from"
    assert all(release.commit for release in older)
    changelog = CHANGELOG.read_text(encoding="utf-8")
    notes = sum(len(release.notes) for release in RELEASES)
    assert notes == len(NOTE_START.findall(changelog)), "a note has no shell block to run"


def test_every_cruft_pin_is_the_template_lock_version() -> None:
    (locked,) = [
        f"cruft=={v}" for name, v in locked_versions(TEMPLATE_DIR / "uv.lock") if name == "cruft"
    ]
    texts = [TEMPLATE_DIR / "README.md", *project_files(TEMPLATE_LOCK.parent)]
    pins = {
        f"cruft=={match['version']}"
        for path in texts
        if path.name != "uv.lock"
        for match in CRUFT_PIN.finditer(path.read_text(encoding="utf-8", errors="replace"))
    }
    assert pins == {locked}


# --- A template repository holding the previous release and this one --------------------------


@dataclass(frozen=True)
class TemplateRepo:
    path: Path
    previous: Release
    current_commit: str


@pytest.fixture(scope="session")
def template_repo(tmp_path_factory: pytest.TempPathFactory) -> TemplateRepo:
    """A clone of this repository with the working tree committed on top of its HEAD."""
    previous = next(release for release in RELEASES if release.commit)
    assert previous.commit
    known = subprocess.run(
        ["git", "cat-file", "-e", f"{previous.commit}^{{commit}}"], cwd=TEMPLATE_DIR, check=False
    )
    if known.returncode != 0:
        pytest.fail(
            f"release {previous.version}'s commit {previous.commit} (CHANGELOG.md) is not in "
            "this clone's history: the update test bakes it. Fetch the whole history "
            "(`git fetch --unshallow`) or clone without --depth.",
            pytrace=False,
        )
    repo = tmp_path_factory.mktemp("template") / "repo"
    git("clone", "--quiet", "--no-checkout", TEMPLATE_DIR, repo, cwd=TEMPLATE_DIR)
    listing = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=TEMPLATE_DIR)
    for name in filter(None, listing.split("\0")):
        source = TEMPLATE_DIR / name
        if source.is_file():  # a tracked file deleted in the working tree is left out
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / name, follow_symlinks=False)
    git("add", "--all", cwd=repo)
    git("commit", "--quiet", "--allow-empty", "--message", "This release", cwd=repo)
    return TemplateRepo(repo, previous, git("rev-parse", "HEAD", cwd=repo).strip())


@pytest.fixture(scope="session")
def git_env(bake_env: dict[str, str]) -> dict[str, str]:
    """The bake environment with a git identity, for the team's commits."""
    return bake_env | GIT_ENV


def cruft_create(
    repo: TemplateRepo,
    commit: str,
    output_dir: Path,
    env: Mapping[str, str],
    context: Mapping[str, Value],
) -> Path:
    """Bake `commit` of the template with cruft (the template's own, from its lock)."""
    output_dir.mkdir(parents=True)
    command = [
        sys.executable,
        "-m",
        "cruft",
        "create",
        str(repo.path),
        "--checkout",
        commit,
        "--no-input",
        "--output-dir",
        str(output_dir),
        "--extra-context",
        json.dumps(dict(context)),
    ]
    created = run_bounded(command, output_dir, env, COMMAND_TIMEOUT, output_dir / "create.log")
    created.expect_success()
    (project,) = (path for path in output_dir.iterdir() if path.is_dir())
    return project


# --- CI tells when the template has moved, without failing the build --------------------------


def github_template_step(project: Path) -> str:
    """The command of the GitHub workflow's template check step."""
    workflow = (project / ".github/workflows/ci.yml").read_text(encoding="utf-8")
    (step,) = [line.strip() for line in workflow.splitlines() if "cruft==" in line]
    return step


def gitlab_template_script(project: Path) -> str:
    """The script of the GitLab pipeline's template job, which must be allowed to fail."""
    pipeline = (project / ".gitlab-ci.yml").read_text(encoding="utf-8")
    job = pipeline[pipeline.index("\ntemplate-updates:\n") :]
    assert "\n  allow_failure: true\n" in job, "the template job must not fail the pipeline"
    (line,) = [line.strip() for line in job.splitlines() if "cruft==" in line]
    return line.removeprefix("- ")


def test_ci_warns_when_the_template_has_moved_and_never_fails_the_build(
    template_repo: TemplateRepo, tmp_path: Path, git_env: dict[str, str]
) -> None:
    """GitHub's step passes either way and warns only on a moved template; GitLab's job, which
    is allowed to fail, fails only then. Both run as CI runs them, in `bash -e`."""
    assert template_repo.previous.commit
    old = cruft_create(template_repo, template_repo.previous.commit, tmp_path / "old", git_env, {})
    new = cruft_create(template_repo, template_repo.current_commit, tmp_path / "new", git_env, {})
    github_step = github_template_step(new)
    gitlab_script = gitlab_template_script(bake_into(tmp_path / "gitlab", ci="gitlab"))

    def ci(script: str, project: Path, name: str) -> Ran:
        command = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script]
        return run_bounded(command, project, git_env, COMMAND_TIMEOUT, tmp_path / f"{name}.log")

    moved, current = ci(github_step, old, "github-old"), ci(github_step, new, "github-new")
    assert (moved.returncode, current.returncode) == (0, 0), moved.output + current.output
    assert "::warning title=Template updates::" in moved.output
    assert "::warning" not in current.output
    assert "up to date" in current.output

    assert ci(gitlab_script, old, "gitlab-old").returncode == 1
    ci(gitlab_script, new, "gitlab-new").expect_success()


# --- A team's project takes this release --------------------------------------------------------

UPDATED_COMBINATIONS = [
    pytest.param({}, id="defaults", marks=pytest.mark.gate),
    pytest.param(
        {
            "username_type": "username",
            "use_celery": False,
            "include_example_app": False,
            "use_sentry": True,
            "python_version": "3.12",
            "ci": "gitlab",
        },
        id="username-nocelery-noexample-app-sentry-py3.12-ci-gitlab",
        marks=pytest.mark.gate,
    ),
]


def make_team_edits(project: Path, run: Callable[[str, list[str]], Ran]) -> None:
    """What a team does first: a dependency, an app of its own, a field on User, its README."""
    slug = project.name
    run("add", ["uv", "add", TEAM_DEPENDENCY]).expect_success()
    for name, text in TEAM_APP_FILES.items():
        path = project / slug / TEAM / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.format(slug=slug), encoding="utf-8")
    # Registered where the previous release's settings keep a team's apps, as `make app` does.
    settings = project / "config/settings/base.py"
    text = settings.read_text(encoding="utf-8")
    empty = "YOUR_APPS: list[str] = []\n"
    assert empty in text
    text = text.replace(empty, f'YOUR_APPS: list[str] = [\n    "{slug}.{TEAM}",\n]\n')
    settings.write_text(text, encoding="utf-8")
    models = project / slug / "users/models.py"
    text = models.read_text(encoding="utf-8")
    start = text.index("class User(AbstractUser):\n") + len("class User(AbstractUser):\n")
    models.write_text(text[:start] + TEAM_USER_FIELD + text[start:], encoding="utf-8")
    readme = project / "README.md"
    text = readme.read_text(encoding="utf-8")
    assert "\nA Django service.\n" in text
    text = text.replace("\nA Django service.\n", f"\n{TEAM_README_PARAGRAPH}\n")
    readme.write_text(text, encoding="utf-8")
    manage = ["uv", "run", "python", "manage.py"]
    run("makemigrations", [*manage, "makemigrations", "users", TEAM]).expect_success()
    run("migrate", [*manage, "migrate"]).expect_success()  # a local database to migrate later
    git("add", "--all", cwd=project)
    git("commit", "--quiet", "--message", "Billing app, nicknames, our README", cwd=project)


def readme_update_block(project: Path) -> str:
    """The shell block of the README's "Template updates" section that runs `cruft update`."""
    readme = (project / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("\n## Template updates\n") :]
    blocks = [m["body"] for m in SHELL_BLOCK.finditer(section)]
    (block,) = [body for body in blocks if re.search(r"^uvx cruft==\S+ update ", body, re.M)]
    return block


def unresolved(project: Path) -> list[str]:
    """Rejected hunks, conflict markers and unmerged paths left in the project."""
    problems = [
        f"{path.relative_to(project)}: rejected hunks"
        for path in project_files(project)
        if path.suffix == ".rej"
    ]
    problems += [
        f"{path.relative_to(project)}: conflict markers"
        for path in project_files(project)
        if CONFLICT_MARKER.search(path.read_bytes())
    ]
    unmerged = git("diff", "--name-only", "--diff-filter=U", cwd=project).split()
    return problems + [f"{name}: unmerged" for name in unmerged]


def changed_files(project: Path, since: str, status: str) -> set[str]:
    """Files that the commits after `since` added (A) or modified (M)."""
    names = git("diff", "--name-only", f"--diff-filter={status}", since, "HEAD", cwd=project)
    return set(names.split())


def text_of(project: Path, name: str) -> str:
    return (project / name).read_text(encoding="utf-8")


def added_lines(old: str, new: str) -> list[str]:
    """The lines `new` adds or changes compared with `old`."""
    matcher = difflib.SequenceMatcher(a=old.splitlines(), b=new.splitlines(), autojunk=False)
    return [
        line
        for tag, _, _, start, end in matcher.get_opcodes()
        if tag in {"insert", "replace"}
        for line in new.splitlines()[start:end]
    ]


def release_missing(
    project: Path, fresh: Path, baked_commit: str, team_added: set[str], team_modified: set[str]
) -> list[str]:
    """Where the updated project is not this release: a file that the team left alone and that
    differs from a fresh bake, a file too many or too few, a line this release adds to a file
    that the team edited but that is not there."""
    skipped = set(tomllib.loads(text_of(fresh, "pyproject.toml"))["tool"]["cruft"]["skip"])
    fresh_names = {str(p.relative_to(fresh)) for p in project_files(fresh)} - skipped
    names = {str(p.relative_to(project)) for p in project_files(project)} - skipped
    names -= team_added | {".cruft.json"}
    # A merge migration is the project's: `makemigrations --merge` wrote it after the update.
    names = {name for name in names if not re.search(r"/migrations/\d+_merge_", name)}
    problems = [f"{name}: missing" for name in sorted(fresh_names - names)]
    problems += [f"{name}: not in this release" for name in sorted(names - fresh_names)]
    for name in sorted(fresh_names & names):
        if name not in team_modified:
            if (project / name).read_bytes() != (fresh / name).read_bytes():
                problems.append(f"{name}: differs from a fresh bake, and the team left it alone")
            continue
        baked = git("show", f"{baked_commit}:{name}", cwd=project)
        lines = set(text_of(project, name).splitlines())
        problems += [
            f"{name}: lacks this release's line {line!r}"
            for line in added_lines(baked, text_of(fresh, name))
            if line not in lines
        ]
    return problems


@pytest.mark.parametrize("combination", UPDATED_COMBINATIONS)
def test_team_project_from_the_previous_release_takes_this_release(
    combination: dict[str, Value],
    template_repo: TemplateRepo,
    tmp_path: Path,
    git_env: dict[str, str],
    mypy_caches: Path,
    environment_for: EnvironmentFor,
) -> None:
    previous = template_repo.previous
    assert previous.commit
    project = cruft_create(template_repo, previous.commit, tmp_path / "old", git_env, combination)
    slug = project.name
    env = git_env | environment_for(project)

    def run(name: str, command: list[str], timeout: float = COMMAND_TIMEOUT) -> Ran:
        return run_bounded(command, project, env, timeout, tmp_path / f"{name}.log")

    def shell(name: str, script: str) -> Ran:
        return run(name, ["bash", "-euo", "pipefail", "-c", script])

    git("init", "--quiet", "--initial-branch=main", cwd=project)
    git("add", "--all", cwd=project)
    git("commit", "--quiet", "--message", f"Baked from release {previous.version}", cwd=project)
    baked = git("rev-parse", "HEAD", cwd=project).strip()
    run("sync", ["uv", "sync"]).expect_success()
    make_team_edits(project, run)
    team_added = changed_files(project, baked, "A")
    team_modified = changed_files(project, baked, "M")

    # The notes of every release after the project's, around this release's README's update
    # steps (a fresh bake of it has that README, and is what the updated project must match).
    fresh = bake_into(tmp_path / "fresh", **combination)
    newer = RELEASES[: RELEASES.index(previous)]
    for release in reversed(newer):
        if "Before" in release.notes:
            shell(f"before-{release.version}", release.notes["Before"]).expect_success()
    updating = shell("update", readme_update_block(fresh))
    assert unresolved(project) == [], f"the update left conflicts ({updating.log})"
    updating.expect_success()
    for release in reversed(newer):
        if "After" in release.notes:
            shell(f"after-{release.version}", release.notes["After"]).expect_success()

    cruft_state = json.loads(text_of(project, ".cruft.json"))
    assert cruft_state["commit"] == template_repo.current_commit, "cruft did not record the update"
    # The team's edits are still there.
    assert f'    "{slug}.{TEAM}",\n' in text_of(project, "config/settings/base.py")
    assert TEAM_USER_FIELD in text_of(project, f"{slug}/users/models.py")
    assert TEAM_README_PARAGRAPH in text_of(project, "README.md")
    assert f'"{TEAM_DEPENDENCY}' in text_of(project, "pyproject.toml")
    assert f'name = "{TEAM_DEPENDENCY}"' in text_of(project, "uv.lock")
    assert {f"{slug}/{TEAM}/{name}" for name in TEAM_APP_FILES} <= team_added
    # This release is there: every file as a fresh bake has it, the team's edits aside.
    assert release_missing(project, fresh, baked, team_added, team_modified) == []
    assert cruft_state.get("skip") is None, "the After notes take the skip list out again"

    # The updated project's gate, less its fuzz tests. Those fuzz the API, which the update leaves
    # as a fresh bake of this release has it (release_missing), and the covering set's gates
    # fuzz every pair of options (tests/test_gate.py); here they would add a third to the gate.
    targets = [target for target in gate_targets(project) if target != "test"]
    checks = gate_with_shared_caches(
        project,
        mypy_caches,
        lambda: run("gate", ["make", *targets], timeout=GATE_TIMEOUT),
    )
    checks.expect_success()
    tests = run("tests", ["uv", "run", "pytest", "--cov"], timeout=GATE_TIMEOUT)
    tests.expect_success()
    assert PYTEST_PASSED.search(tests.output), "the project's pytest reported no passed test"
