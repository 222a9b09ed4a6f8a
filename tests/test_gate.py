"""Baked projects pass their own gate (`make gate`) on a covering set of option combinations.

The covering set (tests/combinations.py) holds every value of every option and every pair of
values of the code-changing options; the first tests here prove that, computed afresh from
cookiecutter.json. Each combination is then baked into its own directory, installed and gated
once (a test class per combination, kept on one xdist worker), and the tests after that
read what the gate left: the Python it ran on, the re-locked uv.lock, the files.
"""

import itertools
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.combinations import (
    CODE_CHANGING_OPTIONS,
    TEMPLATE_DIR,
    Combination,
    combination_id,
    covering_set,
    is_supported,
)
from tests.conftest import EnvironmentFor
from tests.gates import GATE_TIMEOUT, PYTEST_PASSED, PYTEST_PYTHON, gate_with_shared_caches
from tests.properties import (
    TEMPLATE_LOCK,
    exposed_secrets,
    leftovers,
    locked_versions,
    project_files,
    tracked_files,
    unrendered,
)
from tests.runner import Ran

COVERING_SET = covering_set()
# The defaults also get a new app, made by `make app` before the gate runs: the app that one
# command makes must pass the gate untouched.
NEW_APP = "billing"
WITH_NEW_APP = COVERING_SET[0]


# --- The covering set, checked against cookiecutter.json -------------------------------------


def choice_values() -> dict[str, list[object]]:
    """Each choice variable of cookiecutter.json with its values, read afresh."""
    variables = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text(encoding="utf-8"))
    return {
        name: [spec, not spec] if isinstance(spec, bool) else list(spec)
        for name, spec in variables.items()
        if not name.startswith("_") and isinstance(spec, bool | list)
    }


def missing_from(rows: Iterable[Mapping[str, object]]) -> list[str]:
    """Each option value and each code-changing pair of values that no row holds."""
    rows = list(rows)
    values = choice_values()
    missing = [
        f"{name}={value!r}"
        for name, options in values.items()
        for value in options
        if not any(row.get(name) == value for row in rows)
    ]
    for first, second in itertools.combinations(CODE_CHANGING_OPTIONS, 2):
        held = {(row.get(first), row.get(second)) for row in rows}
        missing.extend(
            f"{first}={a!r} with {second}={b!r}"
            for a, b in itertools.product(values[first], values[second])
            if (a, b) not in held
        )
    return missing


def test_covering_set_holds_every_value_and_every_code_changing_pair() -> None:
    assert missing_from(COVERING_SET) == []


def test_coverage_check_reports_what_a_set_lacks() -> None:
    first, second = CODE_CHANGING_OPTIONS[:2]
    values = choice_values()
    defaults_only = [{name: options[0] for name, options in values.items()}]
    missing = missing_from(defaults_only)
    assert f"{first}={values[first][1]!r}" in missing
    assert f"{first}={values[first][1]!r} with {second}={values[second][1]!r}" in missing


def test_covering_set_gates_the_defaults_on_every_python() -> None:
    values = choice_values()
    defaults = {name: options[0] for name, options in values.items()}
    for version in values["python_version"]:
        assert defaults | {"python_version": version} in COVERING_SET


def test_covering_set_combinations_are_complete_and_distinct() -> None:
    values = choice_values()
    for row in COVERING_SET:
        assert row.keys() == values.keys()
        assert all(row[name] in options for name, options in values.items())
    ids = [combination_id(row) for row in COVERING_SET]
    assert len(set(ids)) == len(ids)


def test_covering_set_holds_only_combinations_the_pre_gen_hook_accepts() -> None:
    assert [combination_id(row) for row in COVERING_SET if not is_supported(row)] == []


def test_supported_check_follows_the_pre_gen_hook() -> None:
    assert is_supported({"use_kubernetes": True, "use_docker": True})
    assert not is_supported({"use_kubernetes": True, "use_docker": False})


# --- Each combination of the covering set, baked and gated ------------------------------------


@dataclass(frozen=True)
class Gated:
    combination: Combination
    project: Path
    env: dict[str, str]  # what its commands run with over the bake environment
    files_before: frozenset[str]  # what the bake held before the gate ran
    gate: Ran

    def require_gate(self) -> None:
        if not self.gate.ok:
            message = f"the gate failed ({self.gate.log}): see test_bake_passes_gate"
            pytest.fail(message, pytrace=False)


@pytest.fixture(scope="class")
def gated(
    request: pytest.FixtureRequest,
    shared_bake: Callable[..., Path],
    run: Callable[..., Ran],
    mypy_caches: Path,
    environment_for: EnvironmentFor,
) -> Gated:
    """The combination of the test's class, baked into its own directory, after `make gate` ran
    there: once for the class's tests."""
    combination: Combination = request.cls.combination
    project = shared_bake(**combination)
    env = environment_for(project)
    if combination == WITH_NEW_APP:
        app_log = project.parent / "make-app.log"
        run(["make", "app", f"name={NEW_APP}"], project, 300, app_log, env=env)
    files_before = frozenset(str(path.relative_to(project)) for path in project_files(project))
    # Other gates run their pytest in one process (bake_env); this one as the project says: in
    # parallel on every core.
    as_configured = {"PYTEST_ADDOPTS": ""} if combination == WITH_NEW_APP else {}
    log = project.parent / "gate.log"
    gate = gate_with_shared_caches(
        project,
        mypy_caches,
        lambda: run(["make", "gate"], project, GATE_TIMEOUT, log, env=env | as_configured),
    )
    return Gated(combination, project, env, files_before, gate)


@pytest.mark.gate
class GatedBake:
    """The checks of one combination's bake once its gate has run.

    Each combination of the covering set gets a subclass (below): `gated` bakes and gates it once
    for the class, and `--dist loadscope` (pyproject.toml) keeps a class's tests on one xdist
    worker, where that fixture lives.
    """

    combination: Combination

    def test_bake_passes_gate(self, gated: Gated) -> None:
        gated.gate.expect_success()
        assert PYTEST_PASSED.search(gated.gate.output), "the gate's pytest reported no passed test"

    def test_gate_runs_on_the_chosen_python(self, gated: Gated) -> None:
        gated.require_gate()
        ran_on = {found["version"] for found in PYTEST_PYTHON.finditer(gated.gate.output)}
        assert ran_on == {gated.combination["python_version"]}, "per pytest's header in the gate"

    def test_synced_lock_keeps_the_template_lock_versions(self, gated: Gated) -> None:
        gated.require_gate()
        synced = locked_versions(gated.project / "uv.lock")
        assert synced, "the synced uv.lock lists no package"
        assert sorted(synced - locked_versions(TEMPLATE_LOCK)) == []

    def test_synced_bake_has_no_leftovers_of_unselected_options(self, gated: Gated) -> None:
        gated.require_gate()
        assert leftovers(gated.project, gated.combination) == []

    def test_gated_bake_is_fully_rendered(self, gated: Gated) -> None:
        assert unrendered(gated.project) == []

    def test_gated_bake_keeps_its_secret_key_in_env_only(self, gated: Gated) -> None:
        assert exposed_secrets(gated.project) == []

    def test_gate_outputs_and_env_are_git_ignored(self, gated: Gated) -> None:
        """What git would commit after the gate is what the bake wrote, less .env."""
        gated.require_gate()
        assert set(tracked_files(gated.project)) == gated.files_before - {".env"}


class TestDefaultsWithANewApp(GatedBake):
    combination = WITH_NEW_APP

    def test_app_made_by_make_app_passes_the_gate(
        self, gated: Gated, run: Callable[..., Ran]
    ) -> None:
        gated.require_gate()
        app = gated.project / gated.project.name / NEW_APP
        made = f"`make app` made no app: {app.parent.parent}/make-app.log"
        assert (app / "apps.py").is_file(), made
        # The gate's pytest (parallel: it names no test files) collects the new app's tests too.
        collected = run(
            ["uv", "run", "pytest", "--collect-only", "-q", "-n0"],
            cwd=gated.project,
            timeout=120,
            log=gated.project.parent / "collect.log",
            env=gated.env,
        )
        collected.expect_success()
        assert f"{gated.project.name}/{NEW_APP}/tests/test_apps.py::" in collected.output


# Every other combination's class, named for it: TestGated_username_nocelery_py3_12_MIT.
for _combination in COVERING_SET:
    if _combination != WITH_NEW_APP:
        _name = "TestGated_" + re.sub(r"\W", "_", combination_id(_combination))
        globals()[_name] = type(_name, (GatedBake,), {"combination": _combination})
