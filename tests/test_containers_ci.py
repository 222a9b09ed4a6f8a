"""The bakes' Dockerfile, Compose files and CI workflows, validated without Docker or a CI service.

No Docker engine or CI runner exists here, so each file goes through the linters and schemas
that its own tooling would apply: hadolint for the Dockerfile, `docker-compose config` and the
Compose specification's schema for the Compose files, actionlint, the GitHub workflow schema and
zizmor for GitHub Actions, the GitLab CI schema for GitLab, and Dependabot's and Renovate's schemas
for the dependency updates. Every tool comes from a wheel in the template's dev group and runs
offline: where this process may, without any network at all.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.combinations import TEMPLATE_DIR
from tests.conftest import Bake
from tests.runner import offline_prefix

TOOLS = Path(sys.executable).parent  # the template's virtualenv, where the wheels put them
COMPOSE_PROD_ENV = {
    "DJANGO_SECRET_KEY": "compose-check-placeholder-" + "x" * 40,
    "DJANGO_ALLOWED_HOSTS": "example.com",
    "DJANGO_ADMIN_URL": "staff-area/",
    "DJANGO_SMTP_URL": "smtp+tls://mailer:secret@smtp.example.com:587",
    "POSTGRES_PASSWORD": "compose-check-password",
}


def tool(
    name: str, *args: str | Path, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run one of the template's linters offline in `cwd`; fail the test with its output."""
    result = subprocess.run(
        [*offline_prefix(), str(TOOLS / name), *map(str, args)],
        cwd=cwd,
        env={"PATH": os.environ["PATH"], **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{name} {' '.join(map(str, args))}:\n{output}"
    return result


def compose_config(project: Path, compose_file: str, env: dict[str, str]) -> dict:
    """The Compose file as `docker-compose config` resolves it (anchors merged, variables set)."""
    empty = project / "empty.env"  # not the bake's .env: only `env` configures the check
    empty.touch()
    resolved = tool(
        "docker-compose",
        "--env-file",
        empty,
        "--file",
        compose_file,
        "config",
        "--format",
        "json",
        cwd=project,
        env=env,
    )
    return json.loads(resolved.stdout)


@pytest.fixture(scope="module")
def default_bake(shared_bake: Bake) -> Path:
    """Docker, GitHub Actions and Celery: the defaults."""
    return shared_bake()


@pytest.fixture(scope="module")
def gitlab_bake(shared_bake: Bake) -> Path:
    """GitLab CI, without Celery, with Sentry."""
    return shared_bake(ci="gitlab", use_celery=False, use_sentry=True, python_version="3.12")


# --- Dockerfile -------------------------------------------------------------------------------


def test_dockerfile_passes_hadolint_without_a_single_finding(default_bake: Path) -> None:
    tool("hadolint", "--failure-threshold", "info", "Dockerfile", cwd=default_bake)


def test_dockerfile_builds_with_uv_without_dev_tools_and_runs_unprivileged(
    default_bake: Path,
) -> None:
    lines = (default_bake / "Dockerfile").read_text(encoding="utf-8").splitlines()
    instructions = [line.split()[0] for line in lines if line and not line[0].isspace()]
    runtime = lines[max(i for i, line in enumerate(lines) if line.startswith("FROM ")) :]

    assert instructions.count("FROM") == 3  # uv's image, then build and runtime stages
    assert any("uv sync --locked --no-dev" in line for line in lines)
    assert "ARG PYTHON_VERSION=3.13" in lines
    assert "USER 10001:10001" in runtime
    assert any(line.startswith("HEALTHCHECK ") for line in runtime)
    assert runtime[-1].startswith('CMD ["gunicorn", "--config", "python:config.gunicorn"')


def test_dockerignore_keeps_secrets_and_local_state_out_of_the_image(default_bake: Path) -> None:
    ignored = (default_bake / ".dockerignore").read_text(encoding="utf-8").splitlines()

    assert {".env", ".env.*", ".git", ".venv", "db.sqlite3", "media"} <= set(ignored)


# --- Compose ----------------------------------------------------------------------------------


def test_compose_files_match_the_compose_specification(default_bake: Path) -> None:
    files = ["compose.yaml", "compose.prod.yaml"]
    tool("check-jsonschema", "--builtin-schema", "vendor.compose-spec", *files, cwd=default_bake)


def test_local_compose_file_serves_postgres_and_redis_on_loopback_only(default_bake: Path) -> None:
    services = compose_config(default_bake, "compose.yaml", {})["services"]

    assert sorted(services) == ["postgres", "redis"]
    for service in services.values():
        assert [port["host_ip"] for port in service["ports"]] == ["127.0.0.1"]
        assert service["healthcheck"]["test"]
        assert service["restart"] == "unless-stopped"


@pytest.mark.parametrize(
    ("bake_name", "expected"),
    [
        ("default_bake", ["beat", "migrate", "postgres", "redis", "web", "worker"]),
        ("gitlab_bake", ["migrate", "postgres", "redis", "web"]),
    ],
    ids=["celery", "nocelery"],
)
def test_prod_compose_file_runs_every_service_with_restarts_and_health_checks(
    request: pytest.FixtureRequest, bake_name: str, expected: list[str]
) -> None:
    project: Path = request.getfixturevalue(bake_name)

    services = compose_config(project, "compose.prod.yaml", COMPOSE_PROD_ENV)["services"]

    assert sorted(services) == expected
    assert services["migrate"]["restart"] == "no"
    long_running = [name for name in services if name != "migrate"]
    assert all(services[name]["restart"] == "unless-stopped" for name in long_running)
    # web's health check is the image's HEALTHCHECK; beat answers no probe.
    probed = [name for name in long_running if name not in {"web", "beat"}]
    assert all(services[name]["healthcheck"]["test"] for name in probed)
    assert [port["host_ip"] for port in services["web"]["ports"]] == ["127.0.0.1"]
    assert services["web"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )
    assert services["web"]["environment"]["DATABASE_URL"].startswith("postgres://app:")


def test_prod_compose_file_refuses_to_start_without_its_secrets(default_bake: Path) -> None:
    (default_bake / "empty.env").touch()
    result = subprocess.run(
        [TOOLS / "docker-compose", "--env-file", "empty.env", "-f", "compose.prod.yaml", "config"],
        cwd=default_bake,
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode != 0
    for variable in COMPOSE_PROD_ENV:
        assert f"set {variable}" in result.stderr


# --- GitHub Actions ---------------------------------------------------------------------------


def test_github_workflow_passes_actionlint_schema_and_zizmor(default_bake: Path) -> None:
    workflow = ".github/workflows/ci.yml"

    tool("actionlint", workflow, cwd=default_bake)
    tool(
        "check-jsonschema",
        "--builtin-schema",
        "vendor.github-workflows",
        workflow,
        cwd=default_bake,
    )
    zizmor = tool("zizmor", "--offline", workflow, cwd=default_bake)
    assert "No findings to report" in zizmor.stdout + zizmor.stderr


def test_github_workflow_gates_against_postgres_and_redis_and_audits_dependencies(
    default_bake: Path,
) -> None:
    workflow = (default_bake / ".github/workflows/ci.yml").read_text(encoding="utf-8")

    assert "image: postgres:" in workflow
    assert "image: redis:" in workflow
    assert "DATABASE_URL: postgres://app:app@localhost:5432/app" in workflow
    assert "REDIS_URL: redis://localhost:6379/0" in workflow
    assert "- run: make gate" in workflow
    assert "- run: make audit" in workflow
    assert "permissions: {}" in workflow


# --- GitLab CI --------------------------------------------------------------------------------


def test_gitlab_pipeline_matches_the_gitlab_ci_schema(gitlab_bake: Path) -> None:
    schema = ["--builtin-schema", "vendor.gitlab-ci", "--data-transform", "gitlab-ci"]

    tool("check-jsonschema", *schema, ".gitlab-ci.yml", cwd=gitlab_bake)


def test_gitlab_pipeline_gates_against_postgres_and_redis_and_audits_dependencies(
    gitlab_bake: Path,
) -> None:
    pipeline = (gitlab_bake / ".gitlab-ci.yml").read_text(encoding="utf-8")

    assert "python3.12-bookworm" in pipeline
    assert "- name: postgres:" in pipeline
    assert "- name: redis:" in pipeline
    assert "DATABASE_URL: postgres://app:app@postgres:5432/app" in pipeline
    assert "- make gate" in pipeline
    assert "- make audit" in pipeline


# --- The audit ---------------------------------------------------------------------------------


def test_audit_checks_the_locked_production_dependencies_outside_the_gate(
    default_bake: Path,
) -> None:
    makefile = (default_bake / "Makefile").read_text(encoding="utf-8")
    gate = next(line for line in makefile.splitlines() if line.startswith("gate:"))

    assert "uv export --locked --no-dev" in makefile
    assert "uvx pip-audit==" in makefile
    assert "--requirement $(AUDIT_REQUIREMENTS) $(AUDIT_IGNORE)" in makefile
    assert "audit" not in gate  # it needs the network: CI runs it beside the gate
    ignored = (default_bake / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".audit-requirements.txt" in ignored


# --- Dependency updates -------------------------------------------------------------------------


def schema_check(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    """check-jsonschema's built-in (vendored) schema against one file, offline, unasserted."""
    return subprocess.run(
        [*offline_prefix(), TOOLS / "check-jsonschema", "--builtin-schema", schema, path.name],
        cwd=path.parent,
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def dependabot_updates(project: Path) -> dict[str, dict]:
    """Dependabot's configuration, validated by its schema: each ecosystem's entry."""
    config = project / ".github/dependabot.yml"
    tool("check-jsonschema", "--builtin-schema", "vendor.dependabot", config, cwd=project)
    updates = yaml.safe_load(config.read_text(encoding="utf-8"))["updates"]
    return {update["package-ecosystem"]: update for update in updates}


def renovate_config(project: Path) -> dict:
    """Renovate's configuration, validated by its schema."""
    config = project / "renovate.json"
    tool("check-jsonschema", "--builtin-schema", "vendor.renovate", config, cwd=project)
    return json.loads(config.read_text(encoding="utf-8"))


def test_dependabot_updates_lock_actions_and_image_weekly_in_groups(default_bake: Path) -> None:
    updates = dependabot_updates(default_bake)

    assert sorted(updates) == ["docker", "github-actions", "uv"]
    for update in updates.values():
        assert update["directory"] == "/"
        assert update["schedule"]["interval"] == "weekly"
        assert update["cooldown"]["default-days"] == 7
        # One pull request for the minor and patch updates of the ecosystem, one per major.
        (group,) = update["groups"].values()
        assert group == {"patterns": ["*"], "update-types": ["minor", "patch"]}


def test_dependabot_has_no_docker_entry_without_docker(bake: Bake) -> None:
    project = bake(use_docker=False)

    assert sorted(dependabot_updates(project)) == ["github-actions", "uv"]


def test_renovate_updates_lock_ci_images_and_dockerfile_weekly_in_groups(
    gitlab_bake: Path,
) -> None:
    config = renovate_config(gitlab_bake)

    assert config["enabledManagers"] == ["dockerfile", "gitlabci", "pep621"]
    assert config["schedule"] == ["before 6am on monday"]
    assert config["lockFileMaintenance"] == {
        "enabled": True,
        "schedule": ["before 6am on monday"],
    }
    assert config["minimumReleaseAge"] == "7 days"
    grouped, services = config["packageRules"]
    assert grouped["matchUpdateTypes"] == ["minor", "patch"]
    assert "matchManagers" not in grouped  # one group across the managers
    assert services["matchPackageNames"] == ["postgres", "redis"]
    assert services["matchUpdateTypes"] == ["major"]
    assert services["enabled"] is False


def test_renovate_has_no_dockerfile_manager_without_docker(bake: Bake) -> None:
    project = bake(ci="gitlab", use_docker=False)

    assert renovate_config(project)["enabledManagers"] == ["gitlabci", "pep621"]


@pytest.mark.parametrize(
    ("bake_name", "path", "schema", "breakage"),
    [
        ("default_bake", ".github/dependabot.yml", "vendor.dependabot", ("weekly", "fortnightly")),
        ("gitlab_bake", "renovate.json", "vendor.renovate", ("pep621", "pep-621")),
    ],
    ids=["dependabot", "renovate"],
)
def test_update_schemas_refuse_a_misspelt_value(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    bake_name: str,
    path: str,
    schema: str,
    breakage: tuple[str, str],
) -> None:
    """The schema checks above can fail: a copy with one value misspelt does not pass."""
    project: Path = request.getfixturevalue(bake_name)
    broken = tmp_path / Path(path).name
    broken.write_text((project / path).read_text(encoding="utf-8").replace(*breakage))

    result = schema_check(schema, broken)

    assert result.returncode != 0
    assert breakage[1] in result.stdout + result.stderr


# --- The template's own repository ----------------------------------------------------------------


def test_template_repository_updates_its_own_lock_weekly() -> None:
    """Only the template's uv.lock: it has no GitHub workflow (its CI is .ci/run), and the
    project template's files are Jinja templates that Dependabot cannot read (CHANGELOG.md says
    how their dependencies are bumped)."""
    updates = dependabot_updates(TEMPLATE_DIR)

    assert sorted(updates) == ["uv"]
    assert updates["uv"]["directory"] == "/"
    assert updates["uv"]["schedule"]["interval"] == "weekly"
    assert updates["uv"]["groups"]["template-tools"]["update-types"] == ["minor", "patch"]
    workflows = TEMPLATE_DIR / ".github/workflows"
    assert not workflows.exists(), "a workflow's actions need a github-actions entry too"
