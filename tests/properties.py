"""What every bake must satisfy, as functions that return the problems they find (empty: none).

They read a baked project on disk; the tests decide which bake to read and when (before or after
the gate's `uv sync`).
"""

import re
import subprocess
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path

from tests.combinations import POST_GEN_HOOK, TEMPLATE_DIR, Value

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


# The word that no file of a bake may mention once an option value removed what it names
# (its files come from the post-generation hook's own table, REMOVED_WHEN).
REMOVED_WORDS: Mapping[tuple[str, Value], str] = {
    # Without sign-up no page or text offers it (allauth's settings still name it: SIGNUP).
    ("allow_signup", False): "sign up",
    ("use_celery", False): "celery",
    ("include_example_app", False): "projects",
    ("use_docker", False): "docker",
    ("use_kubernetes", False): "kubernetes",
    ("ci", "github"): "gitlab",
    ("ci", "gitlab"): ".github/",
    # Both workflow files end in ci.yml: with no CI, nothing mentions either.
    ("ci", "none"): "ci.yml",
    ("use_sentry", False): "sentry",
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


def leftovers(project: Path, combination: Mapping[str, Value]) -> list[str]:
    """Files and mentions of option values that were not chosen; files of chosen ones missing.

    Every path of the hook's table exists unless the chosen values remove it (or a folder
    holding it), so a misspelt path there fails the bakes of the other values as well.
    """
    slug = project.name
    removed = POST_GEN_HOOK.paths_to_remove({"project_slug": slug} | dict(combination))
    problems = []
    for pattern in dict.fromkeys(p for paths in POST_GEN_HOOK.REMOVED_WHEN.values() for p in paths):
        path = pattern.format(slug=slug)
        gone = any(path == folder or path.startswith(f"{folder}/") for folder in removed)
        if gone and (project / path).exists():
            problems.append(f"{path}: left over although the chosen options remove it")
        if not gone and not (project / path).exists():
            problems.append(f"{path}: missing although no chosen option removes it")
    for (option, value), word in REMOVED_WORDS.items():
        if combination[option] != value:
            continue
        problems.extend(
            f"{path.relative_to(project)}: mentions {word!r}, {option}={value!r}"
            for path in project_files(project)
            if word.encode() in path.read_bytes().lower()
            or word in str(path.relative_to(project)).lower()
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
