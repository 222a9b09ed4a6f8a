"""The defaults and each other value of every option bake a clean project (nothing installed).

Clean: fully rendered, nothing left of an option value that was not chosen, the secret key only
in the git-ignored .env, and the chosen value visible where it belongs.
"""

import re
import secrets
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.combinations import Combination, defaults, single_changes
from tests.properties import (
    JINJA_OPENING,
    exposed_secrets,
    leftovers,
    looks_like_secret,
    secret_assignments,
    unrendered,
)

type Baked = tuple[Combination, Path]

# The distinctive sentence of each licence's text.
LICENCE_TEXTS = {
    "MIT": "Permission is hereby granted, free of charge",
    "BSD-3-Clause": "Neither the name of the copyright holder",
    "Apache-2.0": "Apache License",
    "Proprietary": "All rights reserved",
}


@pytest.fixture(
    scope="module",
    params=[pytest.param(change, id=name) for name, change in single_changes()],
)
def baked(request: pytest.FixtureRequest, shared_bake: Callable[..., Path]) -> Baked:
    """The combination (defaults with one value changed) and the project baked from it."""
    change: Combination = request.param
    return defaults() | change, shared_bake(**change)


def test_bake_is_fully_rendered(baked: Baked) -> None:
    _, project = baked
    assert unrendered(project) == []


def test_bake_has_no_leftovers_of_unselected_options(baked: Baked) -> None:
    combination, project = baked
    # uv.lock is the template's lock for every option until the first `uv sync` re-locks it;
    # test_gate.py checks the synced lock too.
    problems = leftovers(project, combination)
    assert [problem for problem in problems if not problem.startswith("uv.lock:")] == []


def test_bake_makefile_targets_each_say_what_they_do(baked: Baked) -> None:
    """`make help` lists the targets that carry a `## description`: that must be all of them."""
    _, project = baked
    makefile = (project / "Makefile").read_text(encoding="utf-8")
    targets = [line for line in makefile.splitlines() if re.match(r"[a-z][a-z-]*:(?!=)", line)]

    assert "help" in {line.partition(":")[0] for line in targets}
    assert [line for line in targets if "  ## " not in line] == []


def test_bake_keeps_its_secret_key_in_env_only(baked: Baked) -> None:
    _, project = baked
    assert exposed_secrets(project) == []


def test_bake_ships_the_chosen_licence_only(baked: Baked) -> None:
    combination, project = baked
    licence = (project / "LICENSE").read_text(encoding="utf-8")
    assert LICENCE_TEXTS[combination["license"]] in licence
    assert not (project / "licenses").exists()
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert combination["license"] in pyproject["project"]["license"]


def test_bake_pins_the_chosen_python(baked: Baked) -> None:
    combination, project = baked
    version = str(combination["python_version"])
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert (project / ".python-version").read_text(encoding="utf-8").strip() == version
    assert pyproject["tool"]["ruff"]["target-version"] == f"py{version.replace('.', '')}"
    assert pyproject["tool"]["mypy"]["python_version"] == version


def test_bake_logs_users_in_with_the_chosen_field(baked: Baked) -> None:
    combination, project = baked
    models = (project / project.name / "users" / "models.py").read_text(encoding="utf-8")
    email_login = 'USERNAME_FIELD = "email"' in models
    assert email_login == (combination["username_type"] == "email")


# The checks above pass on a clean bake; these prove the secret check can also fail.

DJANGO_KEY_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)"


def random_secret_key() -> str:
    """A key as Django's get_random_secret_key() makes it: 50 characters of its alphabet."""
    return "".join(secrets.choice(DJANGO_KEY_ALPHABET) for _ in range(50))


REAL_KEY_ASSIGNMENTS = {
    "python": 'SECRET_KEY = "{key}"',
    "python-single-quotes": "SECRET_KEY = '{key}'",
    "dotenv": "DJANGO_SECRET_KEY={key}",
    "shell-export": "export DJANGO_SECRET_KEY={key}",
    "env-default": 'SECRET_KEY = env("DJANGO_SECRET_KEY", default="{key}")',
    "env-default-wrapped": 'SECRET_KEY = env(\n    "DJANGO_SECRET_KEY",\n    default="{key}",\n)',
    "django-insecure": 'SECRET_KEY = "django-insecure-{key}"',
    "mapping": '"DJANGO_SECRET_KEY": "{key}",',
}
PLACEHOLDERS = {
    "from-env": 'SECRET_KEY = env("DJANGO_SECRET_KEY")',
    "test-settings": 'SECRET_KEY = "test-only-key-not-used-anywhere-else-0123456789abcdef"',
    "empty-dotenv": "DJANGO_SECRET_KEY=            # (required in prod) 50+ random characters",
    "change-me": "DJANGO_SECRET_KEY=change-me-to-fifty-random-characters",
    "make-variable": "DJANGO_SECRET_KEY=deploy-check-placeholder-not-a-secret-aaaaaaaaaaaaa \\",
}


@pytest.mark.parametrize("assignment", REAL_KEY_ASSIGNMENTS.values(), ids=REAL_KEY_ASSIGNMENTS)
def test_secret_check_finds_a_real_key(assignment: str) -> None:
    key = random_secret_key()
    assert secret_assignments(assignment.format(key=key)) != []


@pytest.mark.parametrize("text", PLACEHOLDERS.values(), ids=PLACEHOLDERS)
def test_secret_check_lets_placeholders_pass(text: str) -> None:
    assert secret_assignments(text) == []


def test_a_random_key_looks_like_a_secret() -> None:
    assert looks_like_secret(random_secret_key())


# The rendering check, on what Jinja leaves and on what other languages write alike.


@pytest.mark.parametrize(
    "text", ["{{ cookiecutter.project_slug }}", "{%- if cookiecutter.use_celery %}", "{# note #}"]
)
def test_render_check_finds_jinja(text: str) -> None:
    assert JINJA_OPENING.search(text.encode())


@pytest.mark.parametrize(
    "text", ["group: ${{ github.workflow }}-${{ github.ref }}", 'echo "${#name}"', "${HOME}"]
)
def test_render_check_lets_github_and_shell_expressions_pass(text: str) -> None:
    assert not JINJA_OPENING.search(text.encode())


def test_render_check_exempts_django_templates_and_startapp_templates_only(tmp_path: Path) -> None:
    for name in ("pkg/templates/page.html", "app_template/apps.py-tpl", "pkg/module.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{{ app_name }}\n", encoding="utf-8")

    assert unrendered(tmp_path) == ["pkg/module.py: unrendered '{{'"]
