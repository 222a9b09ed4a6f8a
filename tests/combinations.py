"""The template's options, read from cookiecutter.json, and the covering set the gate runs on.

Every choice variable of cookiecutter.json (a list, whose first item is the default, or a boolean)
is an option. The options that change the generated code are crossed pairwise; every other option
(the licence only swaps the LICENSE file) is baked with each of its values at least once.
"""

import importlib.util
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from allpairspy import AllPairs

TEMPLATE_DIR = Path(__file__).resolve().parents[1]

# Options whose values change the generated code: the gate runs on every pair of their values.
# A new option that changes code joins here. use_docker, use_kubernetes and ci only add files
# that the gate does not run (tests/test_containers_ci.py and tests/test_kubernetes.py check
# those), so each value is baked once.
CODE_CHANGING_OPTIONS = (
    "username_type",
    "allow_signup",
    "use_celery",
    "include_example_app",
    "use_sentry",
    "python_version",
)

# How a value reads in a test id, where the value alone would not say which option it belongs to.
ID_FORMATS = {"python_version": "py{}", "ci": "ci-{}"}
# Words a boolean option's name starts with that its test id leaves out.
BOOLEAN_PREFIXES = ("use_", "include_", "allow_")

type Value = str | bool
type Combination = dict[str, Value]


@dataclass(frozen=True)
class Option:
    """One choice variable of cookiecutter.json; `values[0]` is its default."""

    name: str
    values: tuple[Value, ...]

    @property
    def default(self) -> Value:
        return self.values[0]

    def label(self, value: Value) -> str:
        """`use_celery=False` reads `nocelery`, `python_version='3.12'` reads `py3.12`."""
        if isinstance(value, bool):
            word = self.name
            for prefix in BOOLEAN_PREFIXES:
                word = word.removeprefix(prefix)
            word = word.replace("_", "-")
            return word if value else f"no{word}"
        return ID_FORMATS.get(self.name, "{}").format(value)


def load_options(template_dir: Path = TEMPLATE_DIR) -> dict[str, Option]:
    """The choice variables of cookiecutter.json, in file order (free text is no option)."""
    variables = json.loads((template_dir / "cookiecutter.json").read_text(encoding="utf-8"))
    options: dict[str, Option] = {}
    for name, spec in variables.items():
        if name.startswith("_"):
            continue
        if isinstance(spec, bool):
            options[name] = Option(name, (spec, not spec))
        elif isinstance(spec, list):
            options[name] = Option(name, tuple(spec))
    return options


OPTIONS = load_options()


def defaults(options: Mapping[str, Option] = OPTIONS) -> Combination:
    return {option.name: option.default for option in options.values()}


def load_hook(name: str) -> ModuleType:
    """hooks/<name>.py as a module, unrendered (its rules and tables are plain Python)."""
    spec = importlib.util.spec_from_file_location(name, TEMPLATE_DIR / "hooks" / f"{name}.py")
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PRE_GEN_HOOK = load_hook("pre_gen_project")
POST_GEN_HOOK = load_hook("post_gen_project")


def is_supported(combination: Mapping[str, Value]) -> bool:
    """Whether the pre-generation hook accepts these option values (with defaults for the rest
    and a valid slug): it rejects some pairs, such as Kubernetes without Docker."""
    context = {"project_slug": "my_service"} | defaults() | dict(combination)
    return not any(applies(context) for applies, _ in PRE_GEN_HOOK.UNSUPPORTED_COMBINATIONS)


def required_combinations(options: Mapping[str, Option] = OPTIONS) -> list[Combination]:
    """The defaults, and the defaults on every supported Python: the gate always runs these."""
    return [defaults(options)] + [
        defaults(options) | {"python_version": version}
        for version in options["python_version"].values[1:]
    ]


def covering_set(
    options: Mapping[str, Option] = OPTIONS,
    code_changing: Sequence[str] = CODE_CHANGING_OPTIONS,
) -> list[Combination]:
    """Combinations holding every value of every option and every pair of code-changing values.

    The required combinations come first; allpairspy adds rows for the pairs they miss; the
    remaining options then take their values not yet seen on those rows where the pre-generation
    hook accepts them (and their default otherwise), with one more row per value that still found
    no place.
    """
    rows: list[Combination] = required_combinations(options)
    crossed = [options[name] for name in code_changing]
    if len(crossed) >= 2:
        seen = [[row[option.name] for option in crossed] for row in rows]
        for values in AllPairs([list(o.values) for o in crossed], previously_tested=seen):
            rows.append({option.name: value for option, value in zip(crossed, values, strict=True)})
    for option in options.values():
        unseen = [v for v in option.values if all(row.get(option.name) != v for row in rows)]
        for row in rows:
            if option.name in row:
                continue
            fits = [v for v in unseen if is_supported(row | {option.name: v})]
            row[option.name] = fits[0] if fits else option.default
            if fits:
                unseen.remove(fits[0])
        rows.extend(defaults(options) | {option.name: value} for value in unseen)
    return rows


def combination_id(
    combination: Mapping[str, Value],
    options: Mapping[str, Option] = OPTIONS,
    code_changing: Sequence[str] = CODE_CHANGING_OPTIONS,
) -> str:
    """`username-nocelery-py3.12-MIT`: the code-changing values first, then the others."""
    order = [*code_changing, *(name for name in options if name not in code_changing)]
    return "-".join(options[name].label(combination[name]) for name in order)


def single_changes(options: Mapping[str, Option] = OPTIONS) -> Iterator[tuple[str, Combination]]:
    """The defaults, then each other value of every option with the rest at their defaults."""
    yield "defaults", {}
    for option in options.values():
        for value in option.values[1:]:
            yield option.label(value), {option.name: value}
