"""What every bake must satisfy, as functions that return the problems they find (empty: none).

They read a baked project on disk; the tests decide which bake to read and when (before or after
the gate's `uv sync`).
"""

import re
import subprocess
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from tests.combinations import TEMPLATE_DIR, Value

# What the gate and the tools leave behind in a bake; none of it is the project's own text.
TOOL_OUTPUTS = frozenset(
    {".git", ".venv", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis", "__pycache__"}
    | {"htmlcov", ".coverage", "db.sqlite3"}
)

# Jinja's opening delimiters, except after `$`: `${{ github.ref }}` is a GitHub Actions
# expression and `${#name}` a shell string length. Django's template language shares them too, so
# files in a `templates/` folder and startapp's `*-tpl` files are exempt; only the word
# "cookiecutter" betrays a leftover there.
JINJA_OPENING = re.compile(rb"(?<!\$)\{\{|\{%|(?<!\$)\{#")


@dataclass(frozen=True)
class Removed:
    """What one option value removes: paths (relative, `{slug}` for the package) and a word."""

    paths: tuple[str, ...]
    word: str


# Option values that remove something. A listed path must exist unless the chosen value removes
# it, so a misspelt path here fails the bakes of the other values instead of passing silently.
REMOVED_BY: Mapping[tuple[str, Value], Removed] = {
    # Without sign-up no page or text offers it (allauth's settings still name it: SIGNUP).
    ("allow_signup", False): Removed(paths=("{slug}/users/tests/test_signup.py",), word="sign up"),
    ("use_celery", False): Removed(
        paths=(
            "config/celery.py",
            "{slug}/core/checks.py",
            "{slug}/core/tasks.py",
            "{slug}/users/tasks.py",
            "{slug}/users/services.py",
            "{slug}/users/tests/test_tasks.py",
            "{slug}/users/tests/test_services.py",
            "{slug}/idempotency",
            "tests/test_celery.py",
        ),
        word="celery",
    ),
    ("include_example_app", False): Removed(paths=("{slug}/projects",), word="projects"),
    ("use_docker", False): Removed(
        paths=("Dockerfile", ".dockerignore", "compose.yaml", "compose.prod.yaml"), word="docker"
    ),
    ("use_kubernetes", False): Removed(paths=("k8s",), word="kubernetes"),
    ("ci", "github"): Removed(paths=(".gitlab-ci.yml", "renovate.json"), word="gitlab"),
    ("ci", "gitlab"): Removed(paths=(".github", ".github/dependabot.yml"), word=".github/"),
    # Both workflow files end in ci.yml: with no CI, nothing mentions either.
    ("ci", "none"): Removed(
        paths=(".github", ".github/dependabot.yml", ".gitlab-ci.yml", "renovate.json"),
        word="ci.yml",
    ),
    ("use_sentry", False): Removed(paths=("tests/test_sentry.py",), word="sentry"),
}

ENV_SECRET = re.compile(rb"^DJANGO_SECRET_KEY=(?P<value>.*)$", re.MULTILINE)
SECRET_NAME = re.compile(r"SECRET_KEY")
QUOTED = re.compile(r"""(?P<q>['"])(?P<value>.*?)(?P=q)""")
DOTENV_VALUE = re.compile(r"^\s*(?:export\s+)?\w*SECRET_KEY\s*=\s*(?P<value>[^\s'\"]+)")
ENV_VAR_NAME = re.compile(r"[A-Z][A-Z0-9_]*")
# Words by which a value says it is not a secret (test settings, placeholders in examples).
NOT_A_SECRET = ("test", "example", "placeholder", "dummy", "change", "not-a-secret", "insecure")


def project_files(project: Path) -> Iterator[Path]:
    """Every file of the project, skipping what the tools write (.venv, caches, .git)."""
    for folder, subfolders, files in project.walk():
        subfolders[:] = sorted(name for name in subfolders if name not in TOOL_OUTPUTS)
        yield from (folder / name for name in sorted(files) if name not in TOOL_OUTPUTS)


def tracked_files(project: Path) -> list[str]:
    """The files `git add -A` would commit in the bake, according to its own .gitignore."""
    git = ["git", "-C", str(project)]
    subprocess.run([*git, "init", "--quiet"], check=True)
    listing = subprocess.run(
        [*git, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return sorted(name for name in listing.split("\0") if name)


def unrendered(project: Path) -> list[str]:
    """Jinja left in a path or in a file (outside Django templates), or the word cookiecutter."""
    problems = []
    for path in project_files(project):
        relative = path.relative_to(project)
        if JINJA_OPENING.search(str(relative).encode()):
            problems.append(f"{relative}: unrendered path")
        content = path.read_bytes()
        if b"cookiecutter" in content.lower():
            problems.append(f"{relative}: mentions cookiecutter")
        if "templates" not in relative.parts and not relative.name.endswith("-tpl"):
            problems.extend(
                f"{relative}: unrendered {found!r}"
                for found in sorted({m.decode() for m in JINJA_OPENING.findall(content)})
            )
    return problems


def listed_paths(option: str) -> list[str]:
    """Every path REMOVED_BY lists for some value of `option`, once each."""
    paths = (p for (name, _), entry in REMOVED_BY.items() if name == option for p in entry.paths)
    return list(dict.fromkeys(paths))


def leftovers(project: Path, combination: Mapping[str, Value]) -> list[str]:
    """Files and mentions of option values that were not chosen; files of chosen ones missing.

    A path listed for an option exists unless the chosen value removes it.
    """
    slug = project.name
    problems = []
    for option in dict.fromkeys(name for name, _ in REMOVED_BY):
        value = combination[option]
        removed = REMOVED_BY.get((option, value), Removed(paths=(), word=""))
        for pattern in listed_paths(option):
            path = pattern.format(slug=slug)
            exists = (project / path).exists()
            if pattern in removed.paths and exists:
                problems.append(f"{path}: left over although {option}={value!r}")
            if pattern not in removed.paths and not exists:
                problems.append(f"{path}: missing although {option}={value!r}")
        if removed.word:
            word = removed.word.encode()
            problems.extend(
                f"{path.relative_to(project)}: mentions {removed.word!r}, {option}={value!r}"
                for path in project_files(project)
                if word in path.read_bytes().lower()
                or word in str(path.relative_to(project)).lower().encode()
            )
    return problems


def env_secret_key(project: Path) -> str:
    """The DJANGO_SECRET_KEY value the post-gen hook wrote to .env ('' if none)."""
    env_file = project / ".env"
    match = ENV_SECRET.search(env_file.read_bytes()) if env_file.is_file() else None
    return match["value"].decode().strip().strip("'\"") if match else ""


def looks_like_secret(value: str) -> bool:
    """A value worth keeping secret: long, varied, not an env variable name nor a placeholder.

    A placeholder says what it is ("test-only-key", "change-me", "not-a-secret"); Django's
    `django-insecure-` prefix marks a real key that startproject generated, so it counts as one.
    """
    if len(value) < 20 or len(set(value)) < 10 or ENV_VAR_NAME.fullmatch(value):
        return False
    if value.startswith("django-insecure-"):
        return True
    return not any(word in value.lower() for word in NOT_A_SECRET)


def statement_at(text: str, start: int) -> str:
    """The text from `start` to the end of its line, or of its bracketed continuation lines."""
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "\n" and depth <= 0:
            return text[start:index]
    return text[start:]


def secret_assignments(text: str) -> list[str]:
    """Values that look like real secrets, assigned to a `*SECRET_KEY` name in `text`."""
    found = []
    for match in SECRET_NAME.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        statement = statement_at(text, line_start)
        candidates = [m["value"] for m in QUOTED.finditer(statement)]
        if dotenv := DOTENV_VALUE.match(statement):
            candidates.append(dotenv["value"])
        found.extend(value for value in candidates if looks_like_secret(value))
    return found


def exposed_secrets(project: Path) -> list[str]:
    """The .env secret key outside .env, .env itself tracked, or a real-looking key in a file."""
    problems = []
    secret = env_secret_key(project)
    if not looks_like_secret(secret):
        problems.append(f".env: DJANGO_SECRET_KEY={secret!r} does not look like a random key")
    if ".env" in tracked_files(project):
        problems.append(".env: not ignored by git, so the secret key would be committed")
    for path in project_files(project):
        relative = path.relative_to(project)
        if relative == Path(".env"):
            continue
        content = path.read_bytes()
        if secret and secret.encode() in content:
            problems.append(f"{relative}: holds the secret key from .env")
        problems.extend(
            f"{relative}: assigns a real-looking secret key {value[:8]}..."
            for value in secret_assignments(content.decode(errors="replace"))
        )
    return problems


def locked_versions(lock: Path) -> set[tuple[str, str]]:
    """(name, version) of every package in a uv.lock, except the project's own entry."""
    packages = tomllib.loads(lock.read_text(encoding="utf-8")).get("package", [])
    return {
        (package["name"], package["version"])
        for package in packages
        if not {"virtual", "editable"}.intersection(package.get("source", {}))
    }


TEMPLATE_LOCK = TEMPLATE_DIR / "{{cookiecutter.project_slug or 'empty_slug'}}" / "uv.lock"
