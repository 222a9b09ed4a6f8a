"""Finish the generated project: drop unselected options, pick the licence, write `.env`.

Cookiecutter runs this hook in the generated project directory after rendering every file.
Each step is a small function; a step that finds the template out of step with this hook
raises `TemplateError`, and `main` prints its message on one line and exits non-zero, so that
cookiecutter stops (and deletes a project directory that it created).

Cookiecutter renders this file with Jinja before it runs it; the only template expression is
in `RENDERED_CONTEXT`, a JSON document that `main` parses. Unrendered, the file is plain
Python, so the tests import it and call the steps directly. Nothing here uses the network or
an external program.
"""

import json
import os
import secrets
import shutil
import sys
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

RENDERED_CONTEXT = r"""{{ cookiecutter | jsonify }}"""


class TemplateError(Exception):
    """The generated files are not what this hook expects: fix the template or the hook."""


# --- files of unselected options --------------------------------------------------------------

# (option, value) -> the files and folders removed when the option has that value: for a
# boolean option, what exists only for it; for a choice, what only other values use.
# Paths are relative to the project; "{slug}" stands for the project slug.
REMOVED_WHEN: dict[tuple[str, object], list[str]] = {
    ("allow_signup", False): ["{slug}/users/tests/test_signup.py"],
    ("use_celery", False): [
        "config/celery.py",
        "{slug}/core/tasks.py",
        "{slug}/core/models.py",
        "{slug}/core/migrations",
        "{slug}/core/tests/test_models.py",
        "{slug}/core/tests/test_tasks.py",
        "{slug}/users/tasks.py",
        "{slug}/users/tests/test_tasks.py",
        "tests/test_celery.py",
        # Before the manifests' own removal below, which takes these with it.
        "k8s/base/worker.yaml",
        "k8s/base/beat.yaml",
    ],
    ("include_example_app", False): ["{slug}/projects"],
    ("use_docker", False): ["Dockerfile", ".dockerignore", "compose.yaml", "compose.prod.yaml"],
    ("use_kubernetes", False): ["k8s"],
    # .github holds the workflow and Dependabot's configuration; renovate.json is GitLab's.
    ("ci", "github"): [".gitlab-ci.yml", "renovate.json"],
    ("ci", "gitlab"): [".github"],
    ("ci", "none"): [".github", ".gitlab-ci.yml", "renovate.json"],
    ("use_sentry", False): ["tests/test_sentry.py"],
}


def paths_to_remove(context: dict[str, Any]) -> list[str]:
    """Return the paths that the chosen options remove, with the slug filled in."""
    return [
        path.format(slug=context["project_slug"])
        for (option, value), paths in REMOVED_WHEN.items()
        if context[option] == value
        for path in paths
    ]


def remove_paths(project: Path, paths: list[str]) -> None:
    for path in paths:
        target = project / path
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        else:
            msg = f"REMOVED_WHEN lists {path}, which the template did not generate"
            raise TemplateError(msg)


# --- licence ----------------------------------------------------------------------------------


def install_license(project: Path, license_id: str) -> None:
    """Move licenses/<license_id>.txt to LICENSE and delete the other licences."""
    licenses = project / "licenses"
    chosen = licenses / f"{license_id}.txt"
    if not chosen.is_file():
        msg = f"the template has no licenses/{license_id}.txt for license={license_id}"
        raise TemplateError(msg)
    chosen.replace(project / "LICENSE")
    shutil.rmtree(licenses)


# --- .env -------------------------------------------------------------------------------------

ENV_HEADER = "# For local development only: git-ignored, never commit it. See .env.example.\n"


def make_secret_key() -> str:
    """Return a fresh Django secret key that every .env reader takes verbatim.

    token_urlsafe uses only A-Z, a-z, 0-9, '-' and '_': no '$', quote, '#', space or
    backslash. 50 bytes give 67 characters, above the 50 that `check --deploy` asks for.
    """
    key = secrets.token_urlsafe(50)
    while key.startswith("django-insecure-"):  # what check --deploy flags as a dev key
        key = secrets.token_urlsafe(50)
    return key


def is_git_ignored(gitignore: str, name: str) -> bool:
    """Tell whether a top-level file `name` is ignored by these .gitignore lines.

    Enough of gitignore's rules for one top-level file: comments, negation, a leading '/' or
    '**/', glob patterns, and the last matching line wins.
    """
    ignored = False
    for line in gitignore.splitlines():
        pattern = line.strip()
        if not pattern or pattern.startswith("#"):
            continue
        negated = pattern.startswith("!")
        pattern = pattern.removeprefix("!").removeprefix("**/").removeprefix("/")
        if fnmatch(name, pattern):
            ignored = not negated
    return ignored


def write_env(project: Path) -> bool:
    """Write .env with a fresh secret key; return False if one already exists (kept as is)."""
    gitignore = project / ".gitignore"
    if not gitignore.is_file() or not is_git_ignored(gitignore.read_text("utf-8"), ".env"):
        msg = ".gitignore does not ignore .env, which is about to hold a secret key"
        raise TemplateError(msg)
    env = project / ".env"
    if env.exists():
        return False
    env.touch(mode=0o600)  # readable by its owner only
    env.write_text(f"{ENV_HEADER}DJANGO_SECRET_KEY={make_secret_key()}\n", encoding="utf-8")
    return True


# --- next steps -------------------------------------------------------------------------------


def cd_target(project: Path, shell_cwd: str | None) -> str:
    """Return how to cd into the project from the shell's directory ($PWD), if known."""
    if shell_cwd and project.is_relative_to(Path(shell_cwd).resolve()):
        return str(project.relative_to(Path(shell_cwd).resolve()))
    return str(project)


def next_steps(context: dict[str, Any], project: Path, env_written: bool) -> str:
    lines = [
        f"Created {context['project_name']} in {project}.",
        "",
        "Next steps:",
        f"  cd {cd_target(project, os.environ.get('PWD'))}",
        "  make install   # install the dependencies",
        "  make demo      # load demo data, serve http://127.0.0.1:8000/ (says how to sign in)",
        "  make gate      # run all checks",
        "  git init && make hooks   # check every commit: ruff, mypy, migrations, uv.lock, files",
        "",
        ".env holds a fresh DJANGO_SECRET_KEY for local development."
        if env_written
        else "Kept the existing .env.",
    ]
    if context["use_celery"]:
        lines.append("Celery tasks run eagerly, in the web process, until REDIS_URL is set.")
    return "\n".join(lines)


def main() -> int:
    for stream in (sys.stdout, sys.stderr):
        stream.reconfigure(errors="backslashreplace")  # never fail on printing a value
    context = json.loads(RENDERED_CONTEXT)
    project = Path.cwd()
    try:
        remove_paths(project, paths_to_remove(context))
        install_license(project, context["license"])
        env_written = write_env(project)
    except TemplateError as error:
        print(f"Error: post_gen_project: {error}", file=sys.stderr)
        return 1
    print(next_steps(context, project, env_written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
