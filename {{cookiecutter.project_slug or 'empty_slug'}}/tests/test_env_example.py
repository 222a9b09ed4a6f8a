""".env.example says what the code does: each optional variable shows the value production uses
when it is unset, each required one stops production without it, and the code reads no other."""

import ast
import functools
import itertools
import json
import re
from typing import Any

from .settings_process import PROD_ENV, PROJECT_DIR, load_variants

EXAMPLE = PROJECT_DIR / ".env.example"
VARIABLE = re.compile(r"# ([A-Z][A-Z0-9_]*)=(.*)")
# Where development looks for its .env: read from the real environment, so never from that file.
NOT_IN_EXAMPLE = {"DJANGO_ENV_FILE"}


def example_variables() -> dict[str, tuple[str, str]]:
    """Each variable of .env.example: (its value, the comment line just above it)."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    return {
        match[1]: (match[2], comment)
        for comment, line in itertools.pairwise(lines)
        if (match := VARIABLE.fullmatch(line))
    }


def required() -> set[str]:
    return {name for name, (_, comment) in example_variables().items() if "Required in" in comment}


def compose_only() -> set[str]:
    return {name for name, (_, comment) in example_variables().items() if "compose" in comment}


def optional() -> dict[str, str]:
    leave_out = required() | compose_only()
    return {
        name: value for name, (value, _) in example_variables().items() if name not in leave_out
    }


def read_by_the_code() -> set[str]:
    """Every variable name that config/ passes to env(...), env.X(...) or os.environ.get(...)."""
    names = set()
    for path in (PROJECT_DIR / "config").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            reader = ast.unparse(node.func)
            first = node.args[0]
            if (
                (reader in {"env", "os.environ.get"} or reader.startswith(("env.", "environ.Env")))
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                names.add(first.value)
    return names


def other_value(value: str) -> str:
    """A value unlike `value`: the boolean flipped, the first number plus one, or one appended."""
    if value in {"true", "false"}:
        return {"true": "false", "false": "true"}[value]
    if number := re.search(r"\d+", value):
        return f"{value[: number.start()]}{int(number[0]) + 1}{value[number.end() :]}"
    return f"{value}7"


def without(name: str) -> dict[str, str]:
    """Production as deployed, without `name`."""
    return {key: value for key, value in PROD_ENV.items() if key != name}


def environments() -> list[dict[str, str]]:
    unset = [without(name) for name in [*optional(), *required()]]
    shown = [without(name) | {name: value} for name, value in optional().items()]
    other = [without(name) | {name: other_value(value)} for name, value in optional().items()]
    return [*unset, *shown, *other]


@functools.cache
def observed() -> dict[str, Any]:
    """What production does under each of environments() (its effective settings and gunicorn's
    configuration, or why it refuses to start), keyed by that environment."""
    envs = environments()
    seen = load_variants([("config.settings.prod", env) for env in envs])
    return {json.dumps(env, sort_keys=True): each for env, each in zip(envs, seen, strict=True)}


def observe(env: dict[str, str]) -> Any:
    return observed()[json.dumps(env, sort_keys=True)]


def test_example_lists_every_variable_the_code_reads_and_no_other() -> None:
    listed = set(example_variables()) - compose_only()
    compose = "".join(
        path.read_text(encoding="utf-8") for path in PROJECT_DIR.glob("compose*.yaml")
    )

    assert len(optional()) >= 20  # a parse that finds nothing proves nothing
    assert listed == read_by_the_code() - NOT_IN_EXAMPLE
    assert all("${" + name + ":?" in compose for name in compose_only())


def test_each_optional_value_shown_is_what_production_uses_when_unset() -> None:
    differs = {
        name: value
        for name, value in optional().items()
        if observe(without(name) | {name: value}) != observe(without(name))
    }

    assert differs == {}


def test_each_optional_variable_changes_what_production_does() -> None:
    ignored = {
        name
        for name, value in optional().items()
        if observe(without(name) | {name: other_value(value)}) == observe(without(name))
    }

    assert ignored == set()


def test_production_refuses_to_start_without_each_required_variable() -> None:
    assert required() == set(PROD_ENV)
    for name in required():
        assert name in observe(without(name))["error"], name
