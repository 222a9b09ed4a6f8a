"""Reject bad template input before cookiecutter writes any file.

Each rule is a small function that takes one value and returns what is wrong with it (one
sentence that ends with a valid example) or None. `RULES` lists them per field; `main` runs
them all and prints one line per bad field to stderr. Cookiecutter then stops and deletes the
project directory that it created.

Cookiecutter renders this file with Jinja before it runs it; the only template expression is
in `RENDERED_CONTEXT`, a JSON document that `main` parses. Unrendered, the file is plain
Python, so the tests import it and call the rules directly.
"""

import json
import keyword
import re
import sys
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Any

RENDERED_CONTEXT = r"""{{ cookiecutter | jsonify }}"""

# Runs in the Python that runs cookiecutter, which may be older than the project's (3.10+).
Rule = Callable[[Any], "str | None"]

# --- project_slug -----------------------------------------------------------------------------

SLUG_EXAMPLE = "e.g. project_slug=my_service"

# Import names of what the generated project installs: a package named like one would shadow it.
DEPENDENCY_IMPORT_NAMES = frozenset(
    {
        "allauth",
        "argon2",
        "celery",
        "coverage",
        "debug_toolbar",
        "django",
        "django_filters",
        "drf_spectacular",
        "drf_spectacular_sidecar",
        "environ",
        "factory",
        "fido2",
        "gunicorn",
        "hypothesis",
        "kombu",
        "mypy",
        "psycopg",
        "pytest",
        "pytest_django",
        "redis",
        "rest_framework",
        "ruff",
        "schemathesis",
        "sentry_sdk",
        "whitenoise",
    }
)

# Top-level packages, modules and folders of the generated project itself.
PROJECT_NAMES = frozenset(
    {
        "api",
        "config",
        "conftest",
        "locale",
        "manage",
        "media",
        "static",
        "templates",
        "tests",
        "users",
    }
)


def slug_is_lowercase_identifier(slug: Any) -> str | None:
    if isinstance(slug, str) and re.fullmatch(r"[a-z][a-z0-9_]*", slug):
        return None
    return (
        f"{slug!r} is not a lowercase Python identifier "
        f"(a-z, 0-9 and _, starting with a letter), {SLUG_EXAMPLE}"
    )


def slug_is_not_too_long(slug: str) -> str | None:
    # 63 is PostgreSQL's limit for a database name, a common use of the slug.
    if len(slug) > 63:
        return f"{slug!r} is longer than 63 characters, {SLUG_EXAMPLE}"
    return None


def slug_is_not_keyword(slug: str) -> str | None:
    if keyword.iskeyword(slug):
        return f"{slug!r} is a Python keyword, {SLUG_EXAMPLE}"
    if keyword.issoftkeyword(slug):
        return f"{slug!r} is a Python soft keyword, {SLUG_EXAMPLE}"
    return None


# sys.stdlib_module_names leaves out the standard library's own test package.
STDLIB_MODULE_NAMES = sys.stdlib_module_names | {"test"}


def slug_is_not_stdlib_module(slug: str) -> str | None:
    if slug in STDLIB_MODULE_NAMES:
        return f"{slug!r} would shadow the standard-library module {slug!r}, {SLUG_EXAMPLE}"
    return None


def slug_is_not_dependency(slug: str) -> str | None:
    if slug in DEPENDENCY_IMPORT_NAMES:
        return f"{slug!r} would shadow the {slug!r} package the project installs, {SLUG_EXAMPLE}"
    return None


def slug_is_not_project_name(slug: str) -> str | None:
    if slug in PROJECT_NAMES:
        return f"{slug!r} clashes with the project's own {slug!r} folder or module, {SLUG_EXAMPLE}"
    return None


# --- free-text fields -------------------------------------------------------------------------


def is_not_blank(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return None
    return f"{value!r} is empty, e.g. project_name='My Service'"


EMAIL_PATTERN = re.compile(
    r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*"  # local part: dot-separated atoms
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"  # domain.tld
)


def is_email(value: Any) -> str | None:
    if isinstance(value, str) and EMAIL_PATTERN.fullmatch(value):
        return None
    return f"{value!r} is not an email address, e.g. email=jane@example.com"


HOST_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


def is_domain_name(value: Any) -> str | None:
    example = "e.g. domain_name=example.com"
    if not isinstance(value, str) or not value:
        return f"{value!r} is not a host name, {example}"
    if "://" in value:
        return f"{value!r} must not include a scheme such as https://, {example}"
    if "/" in value or ":" in value:
        return f"{value!r} must not include a path or a port, {example}"
    if value != value.lower():
        return f"{value!r} must be lowercase, {example}"
    labels = value.split(".")
    if len(labels) < 2:
        return f"{value!r} needs at least one dot, {example}"
    if len(value) > 253:
        return f"{value!r} is longer than 253 characters, {example}"
    if not all(HOST_LABEL.fullmatch(label) for label in labels) or labels[-1].isdigit():
        return (
            f"{value!r} is not a host name (dot-separated labels of a-z, 0-9 and '-' "
            f"that do not start or end with '-'), {example}"
        )
    return None


# PEP 440's public version scheme (epoch, release, pre, post, dev) plus a local label, with
# the alternative spellings its "Normalization" section accepts, but no surrounding whitespace.
PEP440_VERSION = re.compile(
    r"""
    v?
    (?:[0-9]+!)?                                            # epoch
    [0-9]+(?:\.[0-9]+)*                                     # release segment
    (?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?[0-9]*)?   # pre-release
    (?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?           # post-release
    (?:[-_.]?dev[-_.]?[0-9]*)?                              # development release
    (?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?                     # local version label
    """,
    re.VERBOSE | re.IGNORECASE,
)


def is_pep440_version(value: Any) -> str | None:
    if isinstance(value, str) and PEP440_VERSION.fullmatch(value):
        return None
    return f"{value!r} is not a PEP 440 version, e.g. version=0.1.0"


def is_time_zone(value: Any) -> str | None:
    # Membership, not ZoneInfo(value): ZoneInfo would also load some file paths.
    if isinstance(value, str) and value in zoneinfo.available_timezones():
        return None
    return f"{value!r} is not an IANA time zone, e.g. timezone=Europe/Paris or timezone=UTC"


# --- choices and booleans ---------------------------------------------------------------------

# The options of cookiecutter.json (a test keeps them in step). Cookiecutter refuses other
# values given as key=value, but a replay file or the Python API can still carry them.
CHOICES = {
    "python_version": ("3.12", "3.13"),
    "username_type": ("email", "username"),
    "license": ("MIT", "BSD-3-Clause", "Apache-2.0", "Proprietary"),
    "ci": ("github", "gitlab", "none"),
}


def one_of(field: str) -> Rule:
    options = CHOICES[field]

    def is_an_option(value: Any) -> str | None:
        if value in options:
            return None
        return f"{value!r} is not one of {', '.join(options)}, e.g. {field}={options[0]}"

    return is_an_option


# The words cookiecutter 2.7 and later turn into booleans when given on the command line (its
# YesNoPrompt's choices). Cookiecutter 2.6 and older pass them on as text, which the templates
# would read as true: "no" included.
BOOLEAN_WORDS = frozenset({"1", "true", "t", "yes", "y", "on", "0", "false", "f", "no", "n", "off"})


def boolean(field: str) -> Rule:
    def is_a_boolean(value: Any) -> str | None:
        if isinstance(value, bool):
            return None
        if isinstance(value, str) and value.strip().lower() in BOOLEAN_WORDS:
            return (
                f"{value!r} arrived as text: cookiecutter before 2.7 does not turn "
                f"{field}={value.strip()} into a boolean; run cookiecutter 2.7 or later "
                "(uvx cookiecutter), or answer the prompts"
            )
        return f"{value!r} is not a boolean, e.g. {field}=yes or {field}=no"

    return is_a_boolean


# --- all rules --------------------------------------------------------------------------------

# Per field, in order; a field's later rules run only when its earlier ones passed.
RULES: dict[str, list[Rule]] = {
    "project_name": [is_not_blank],
    "project_slug": [
        slug_is_lowercase_identifier,
        slug_is_not_too_long,
        slug_is_not_keyword,
        slug_is_not_stdlib_module,
        slug_is_not_dependency,
        slug_is_not_project_name,
    ],
    "email": [is_email],
    "domain_name": [is_domain_name],
    "version": [is_pep440_version],
    "timezone": [is_time_zone],
    "python_version": [one_of("python_version")],
    "username_type": [one_of("username_type")],
    "license": [one_of("license")],
    "allow_signup": [boolean("allow_signup")],
    "use_celery": [boolean("use_celery")],
    "include_example_app": [boolean("include_example_app")],
    "use_docker": [boolean("use_docker")],
    "use_kubernetes": [boolean("use_kubernetes")],
    "ci": [one_of("ci")],
    "use_sentry": [boolean("use_sentry")],
}

# Option combinations the template cannot generate: (predicate on the context, message).
# The covering set of the template's tests leaves these out (tests/combinations.py).
KUBERNETES_NAME_LIMIT = 44  # <slug>-migrate names a CronJob, which Kubernetes caps at 52
UNSUPPORTED_COMBINATIONS: list[tuple[Callable[[dict[str, Any]], bool], str]] = [
    (
        lambda c: c["use_kubernetes"] and not c["use_docker"],
        "use_kubernetes=yes needs use_docker=yes: the manifests run the image of its Dockerfile",
    ),
    (
        lambda c: c["use_kubernetes"] and len(c["project_slug"]) > KUBERNETES_NAME_LIMIT,
        f"use_kubernetes=yes needs a project_slug of at most {KUBERNETES_NAME_LIMIT} characters: "
        "Kubernetes limits the names made from it",
    ),
]


def field_problem(field: str, context: dict[str, Any]) -> str | None:
    """Return the first problem with one field, or None."""
    if field not in context:
        return "is missing from the context; is cookiecutter.json up to date?"
    for rule in RULES[field]:
        problem = rule(context[field])
        if problem:
            return problem
    return None


def problems(context: dict[str, Any]) -> list[str]:
    """Return one line per bad field; then, once every field is valid, per bad combination."""
    lines = []
    for field in RULES:
        problem = field_problem(field, context)
        if problem:
            lines.append(f"Error: {field}: {problem}")
    if lines:
        return lines
    return [
        f"Error: unsupported options: {message}"
        for applies, message in UNSUPPORTED_COMBINATIONS
        if applies(context)
    ]


def stray_directory(project_dir: Path, output_dir: Path) -> Path | None:
    """Return the highest directory that holds nothing but the way to `project_dir`.

    Cookiecutter creates the project directory, with any missing parents, before this hook
    runs, and on failure deletes only the project directory. A slug such as 'a/b' therefore
    leaves 'a' behind. The output directory and its parents are never reported.
    """
    stray = None
    child = project_dir
    for parent in project_dir.parents:
        if parent == output_dir or parent in output_dir.parents:
            break
        if [entry.name for entry in parent.iterdir()] != [child.name]:
            break
        stray, child = parent, parent
    return stray


def main() -> int:
    sys.stderr.reconfigure(errors="backslashreplace")  # never fail on printing a value
    context = json.loads(RENDERED_CONTEXT)
    lines = problems(context)
    if not lines:
        return 0
    output_dir = context.get("_output_dir")  # absent if generate_files() runs on its own
    stray = output_dir and stray_directory(Path.cwd(), Path(output_dir).resolve())
    if stray:
        lines.append(f"Note: cookiecutter created {stray} before this check; delete it.")
    print("\n".join(lines), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
