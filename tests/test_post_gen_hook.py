"""hooks/post_gen_project.py: each step on its own, the rendered hook, and real bakes."""

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cookiecutter.main import cookiecutter

from tests.combinations import POST_GEN_HOOK, TEMPLATE_DIR
from tests.conftest import Bake, HookContext, RunHook

hook = POST_GEN_HOOK

HOOK_SOURCE = (TEMPLATE_DIR / "hooks" / "post_gen_project.py").read_text(encoding="utf-8")
PROJECT_TEMPLATE = TEMPLATE_DIR / "{{cookiecutter.project_slug or 'empty_slug'}}"
LICENSE_IDS = ["MIT", "BSD-3-Clause", "Apache-2.0", "Proprietary"]
CELERY_FILES = [
    "config/celery.py",
    "my_service/core/tasks.py",
    "my_service/core/models.py",
    "my_service/core/migrations",
    "my_service/core/tests/test_models.py",
    "my_service/core/tests/test_tasks.py",
    "my_service/users/tasks.py",
    "my_service/users/tests/test_tasks.py",
    "tests/test_celery.py",
    "k8s/base/worker.yaml",
    "k8s/base/beat.yaml",
]
ENV_KEY_LINE = re.compile(r"DJANGO_SECRET_KEY=(?P<key>[A-Za-z0-9_-]{50,})")
TRICKY_TEXT = 'He said "hi" \\ l\'été \'\'\' """ {x}'


def make_project(root: Path, gitignore: str = ".env\n") -> Path:
    """A stand-in for a generated project: the files the hook moves, removes or reads.

    Every path REMOVED_WHEN lists is there: as a folder if another listed path is inside it.
    """
    project = root / "my_service"
    removable = {
        path.format(slug="my_service") for paths in hook.REMOVED_WHEN.values() for path in paths
    }
    folders = {
        path for path in removable if any(other.startswith(f"{path}/") for other in removable)
    }
    for folder in folders:
        (project / folder).mkdir(parents=True, exist_ok=True)
    licences = [f"licenses/{license_id}.txt" for license_id in LICENSE_IDS]
    for path in sorted(removable - folders) + licences:
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_text(f"{path}\n", encoding="utf-8")
    (project / ".gitignore").write_text(gitignore, encoding="utf-8")
    return project


def secret_key_in(project: Path) -> str:
    lines = (project / ".env").read_text(encoding="utf-8").splitlines()
    keys = [match["key"] for line in lines if (match := ENV_KEY_LINE.fullmatch(line))]
    assert len(keys) == 1
    return keys[0]


# --- the hook file ----------------------------------------------------------------------------


def test_hook_file_has_one_jinja_expression_the_rendered_context() -> None:
    assert HOOK_SOURCE.count("{{") == 1
    assert "{%" not in HOOK_SOURCE
    assert "{#" not in HOOK_SOURCE
    assert 'RENDERED_CONTEXT = r"""{{ cookiecutter | jsonify }}"""' in HOOK_SOURCE


# --- files of unselected options --------------------------------------------------------------


def test_celery_files_are_removed_without_celery(hook_context: HookContext) -> None:
    context = hook_context(use_celery=True)["cookiecutter"]

    assert removed_on_top(context, use_celery=False) == set(CELERY_FILES)


def test_the_example_app_goes_as_one_folder(hook_context: HookContext) -> None:
    context = hook_context(include_example_app=True)["cookiecutter"]

    assert removed_on_top(context, include_example_app=False) == {"my_service/projects"}


def test_nothing_is_removed_with_every_option_on(hook_context: HookContext) -> None:
    context = hook_context(
        allow_signup=True,
        use_celery=True,
        include_example_app=True,
        use_docker=True,
        use_kubernetes=True,
        use_sentry=True,
    )

    assert hook.paths_to_remove(context["cookiecutter"] | {"ci": "github"}) == [
        ".gitlab-ci.yml",
        "renovate.json",
    ]


def removed_on_top(context: dict[str, Any], **change: object) -> set[str]:
    """What `change` removes beyond what `context` already removes."""
    return set(hook.paths_to_remove(context | change)) - set(hook.paths_to_remove(context))


def test_docker_files_are_removed_without_docker(hook_context: HookContext) -> None:
    context = hook_context(use_docker=True)["cookiecutter"]

    assert removed_on_top(context, use_docker=False) == {
        "Dockerfile",
        ".dockerignore",
        "compose.yaml",
        "compose.prod.yaml",
    }


def test_kubernetes_manifests_go_as_one_folder(hook_context: HookContext) -> None:
    context = hook_context(use_kubernetes=True)["cookiecutter"]

    assert removed_on_top(context, use_kubernetes=False) == {"k8s"}


def test_bake_with_kubernetes_without_celery_has_no_worker_nor_beat(bake: Bake) -> None:
    manifests = bake(use_kubernetes=True, use_celery=False) / "k8s" / "base"

    assert (manifests / "web.yaml").is_file()
    assert not (manifests / "worker.yaml").exists()
    assert not (manifests / "beat.yaml").exists()
    assert "worker" not in (manifests / "kustomization.yaml").read_text()


@pytest.mark.parametrize(
    ("ci", "removed"),
    [
        ("github", {".gitlab-ci.yml", "renovate.json"}),
        ("gitlab", {".github"}),
        ("none", {".github", ".gitlab-ci.yml", "renovate.json"}),
    ],
)
def test_only_the_chosen_ci_configuration_is_kept(
    hook_context: HookContext, ci: str, removed: set[str]
) -> None:
    context = hook_context(ci=ci)["cookiecutter"]
    ci_files = {".github", ".gitlab-ci.yml", "renovate.json"}

    assert ci_files.intersection(hook.paths_to_remove(context)) == removed


def test_signup_tests_are_removed_without_signup(hook_context: HookContext) -> None:
    context = hook_context(allow_signup=True)["cookiecutter"]

    assert removed_on_top(context, allow_signup=False) == {"my_service/users/tests/test_signup.py"}


def test_sentry_tests_are_removed_without_sentry(hook_context: HookContext) -> None:
    context = hook_context(use_sentry=True)["cookiecutter"]

    assert removed_on_top(context, use_sentry=False) == {"tests/test_sentry.py"}


@pytest.mark.parametrize("path", [path for paths in hook.REMOVED_WHEN.values() for path in paths])
def test_removed_path_exists_in_the_project_template(path: str) -> None:
    """A stale entry would make every bake with that option value fail."""
    assert (PROJECT_TEMPLATE / path.format(slug="{{cookiecutter.project_slug}}")).exists()


@pytest.mark.parametrize(("option", "value"), list(hook.REMOVED_WHEN))
def test_removal_keys_are_option_values_of_cookiecutter_json(option: str, value: object) -> None:
    declared = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text(encoding="utf-8"))[option]

    assert value in (declared if isinstance(declared, list) else [True, False])


def test_remove_paths_deletes_files_and_folders(tmp_path: Path) -> None:
    (tmp_path / "folder" / "inner").mkdir(parents=True)
    (tmp_path / "folder" / "inner" / "a.py").touch()
    (tmp_path / "file.py").touch()

    hook.remove_paths(tmp_path, ["folder", "file.py"])

    assert list(tmp_path.iterdir()) == []


def test_remove_paths_fails_loudly_on_a_stale_path(tmp_path: Path) -> None:
    with pytest.raises(hook.TemplateError) as raised:
        hook.remove_paths(tmp_path, ["config/celery.py"])

    assert str(raised.value) == (
        "REMOVED_WHEN lists config/celery.py, which the template did not generate"
    )


# --- licence ----------------------------------------------------------------------------------


@pytest.mark.parametrize("license_id", LICENSE_IDS)
def test_install_license_moves_the_chosen_text_to_license(tmp_path: Path, license_id: str) -> None:
    project = make_project(tmp_path)

    hook.install_license(project, license_id)

    assert (project / "LICENSE").read_text() == f"licenses/{license_id}.txt\n"
    assert not (project / "licenses").exists()


def test_install_license_fails_loudly_without_the_chosen_text(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    (project / "licenses" / "MIT.txt").unlink()

    with pytest.raises(hook.TemplateError) as raised:
        hook.install_license(project, "MIT")

    assert str(raised.value) == "the template has no licenses/MIT.txt for license=MIT"


@pytest.mark.parametrize("license_id", LICENSE_IDS)
def test_project_template_has_a_text_for_each_licence(license_id: str) -> None:
    assert (PROJECT_TEMPLATE / "licenses" / f"{license_id}.txt").is_file()


# --- .env -------------------------------------------------------------------------------------


def test_secret_key_is_long_url_safe_and_not_an_insecure_dev_key() -> None:
    key = hook.make_secret_key()

    assert re.fullmatch(r"[A-Za-z0-9_-]{50,}", key)
    assert len(set(key)) >= 5  # Django's check --deploy asks for 5 distinct characters
    assert not key.startswith("django-insecure-")


def test_secret_keys_are_never_the_same() -> None:
    keys = {hook.make_secret_key() for _ in range(100)}

    assert len(keys) == 100


@pytest.mark.parametrize(
    ("gitignore", "ignored"),
    [
        (".env\n", True),
        ("/.env\n", True),
        ("**/.env\n", True),
        (".env*\n!.env.example\n", True),
        ("*.env\n", True),
        ("  .env  \n", True),
        ("# local\n.env\n# tools\n.venv/\n", True),
        (".env\n!.env\n", False),
        ("!.env\n.env\n", True),
        ("# .env\n", False),
        (".env/\n", False),
        (".env.example\n", False),
        (".envrc\n", False),
        ("", False),
    ],
)
def test_is_git_ignored_reads_gitignore_lines(gitignore: str, ignored: bool) -> None:
    assert hook.is_git_ignored(gitignore, ".env") is ignored


def test_write_env_writes_a_comment_then_a_fresh_secret_key(tmp_path: Path) -> None:
    project = make_project(tmp_path)

    assert hook.write_env(project) is True

    lines = (project / ".env").read_text(encoding="utf-8").splitlines()
    assert lines[0] == hook.ENV_HEADER.strip()
    assert lines[0].startswith("#")
    assert "local development only" in lines[0]
    assert "git-ignored" in lines[0]
    assert ENV_KEY_LINE.fullmatch(lines[1])
    assert len(lines) == 2


def test_write_env_makes_env_readable_by_its_owner_only(tmp_path: Path) -> None:
    project = make_project(tmp_path)

    hook.write_env(project)

    assert (project / ".env").stat().st_mode & 0o777 == 0o600


def test_write_env_keeps_an_existing_env(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    (project / ".env").write_text("DJANGO_SECRET_KEY=mine\n", encoding="utf-8")

    assert hook.write_env(project) is False
    assert (project / ".env").read_text(encoding="utf-8") == "DJANGO_SECRET_KEY=mine\n"


@pytest.mark.parametrize("gitignore", ["", ".venv/\n", ".env\n!.env\n", None])
def test_write_env_fails_loudly_when_gitignore_does_not_ignore_env(
    tmp_path: Path, gitignore: str | None
) -> None:
    project = make_project(tmp_path, gitignore or "")
    if gitignore is None:
        (project / ".gitignore").unlink()

    with pytest.raises(hook.TemplateError) as raised:
        hook.write_env(project)

    assert str(raised.value) == (
        ".gitignore does not ignore .env, which is about to hold a secret key"
    )
    assert not (project / ".env").exists()


# --- next steps -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shell_cwd", "expected"),
    [("/work", "my_service"), ("/", "work/my_service"), ("/elsewhere", "/work/my_service")],
)
def test_cd_target_is_relative_to_the_shell_directory_when_inside_it(
    shell_cwd: str, expected: str
) -> None:
    assert hook.cd_target(Path("/work/my_service"), shell_cwd) == expected


def test_cd_target_is_absolute_when_the_shell_directory_is_unknown() -> None:
    assert hook.cd_target(Path("/work/my_service"), None) == "/work/my_service"


@pytest.mark.parametrize("use_celery", [True, False])
def test_next_steps_say_how_to_install_run_and_check(
    hook_context: HookContext, monkeypatch: pytest.MonkeyPatch, use_celery: bool
) -> None:
    monkeypatch.setenv("PWD", "/work")
    context = hook_context(use_celery=use_celery)["cookiecutter"]

    text = hook.next_steps(context, Path("/work/my_service"), env_written=True)

    assert "  cd my_service\n" in text
    assert "make install" in text
    assert "make demo      # load demo data, serve http://127.0.0.1:8000/" in text
    assert "make gate" in text
    assert "git init && make hooks" in text
    assert ("REDIS_URL" in text) is use_celery


# --- the hook as cookiecutter renders and runs it ---------------------------------------------


def test_rendered_hook_finishes_a_project_with_tricky_values(
    hook_context: HookContext, run_hook: RunHook, tmp_path: Path
) -> None:
    context = hook_context(
        project_name=TRICKY_TEXT,
        project_slug="my_service",
        author_name=TRICKY_TEXT,
        use_celery="no",
        license="Apache-2.0",
    )
    context["cookiecutter"]["description"] = TRICKY_TEXT
    project = make_project(tmp_path)

    ran = run_hook("post_gen_project", context, project)

    assert (ran.returncode, ran.stderr) == (0, "")
    assert f"Created {TRICKY_TEXT} in {project}." in ran.stdout
    assert not any((project / path).exists() for path in CELERY_FILES)
    assert (project / "LICENSE").read_text() == "licenses/Apache-2.0.txt\n"
    assert secret_key_in(project)


def test_rendered_hook_reports_a_stale_path_on_one_line(
    hook_context: HookContext, run_hook: RunHook, tmp_path: Path
) -> None:
    project = make_project(tmp_path)
    (project / "tests" / "test_celery.py").unlink()

    ran = run_hook("post_gen_project", hook_context(use_celery=False), project)

    assert ran.returncode == 1
    assert ran.stderr == (
        "Error: post_gen_project: REMOVED_WHEN lists tests/test_celery.py, "
        "which the template did not generate\n"
    )


# --- real bakes -------------------------------------------------------------------------------


def test_bake_writes_a_git_ignored_env_with_a_secret_key(bake: Bake) -> None:
    project = bake()

    assert secret_key_in(project)
    assert hook.is_git_ignored((project / ".gitignore").read_text(encoding="utf-8"), ".env")


def test_two_bakes_get_different_secret_keys(bake: Bake) -> None:
    assert secret_key_in(bake()) != secret_key_in(bake())


def test_bake_over_an_existing_project_keeps_its_env(tmp_path: Path) -> None:
    first = Path(cookiecutter(str(TEMPLATE_DIR), no_input=True, output_dir=str(tmp_path)))
    key = secret_key_in(first)

    again = cookiecutter(
        str(TEMPLATE_DIR), no_input=True, output_dir=str(tmp_path), overwrite_if_exists=True
    )

    assert Path(again) == first
    assert secret_key_in(first) == key


def test_bake_without_celery_has_no_celery_files(bake: Bake) -> None:
    project = bake(use_celery=False)

    assert [path for path in CELERY_FILES if (project / path).exists()] == []


def test_bake_with_celery_keeps_the_celery_files(bake: Bake) -> None:
    project = bake(use_celery=True, use_kubernetes=True)

    assert [path for path in CELERY_FILES if not (project / path).exists()] == []


LICENSE_MARKERS = {
    "MIT": ["MIT License", "Permission is hereby granted, free of charge"],
    "BSD-3-Clause": [
        "Redistribution and use in source and binary forms",
        "3. Neither the name of the copyright holder nor the names of its",
    ],
    "Apache-2.0": ["Apache License", "Version 2.0, January 2004", "END OF TERMS AND CONDITIONS"],
    "Proprietary": ["All rights reserved."],
}
HOLDER_LINES = {
    "MIT": "Copyright (c) {year} {author}",
    "BSD-3-Clause": "Copyright (c) {year}, {author}",
    "Apache-2.0": None,  # the Apache text names no holder; its appendix shows how to
    "Proprietary": "Copyright (c) {year} {author}. All rights reserved.",
}


@pytest.mark.parametrize("license_id", LICENSE_IDS)
def test_bake_has_the_chosen_license_and_no_licenses_folder(bake: Bake, license_id: str) -> None:
    project = bake(license=license_id, author_name="Zoë O'Brien")

    text = (project / "LICENSE").read_text(encoding="utf-8")
    assert all(marker in text for marker in LICENSE_MARKERS[license_id])
    assert not any(
        marker in text
        for other, markers in LICENSE_MARKERS.items()
        if other != license_id
        for marker in markers
        if marker != "All rights reserved."  # part of every BSD-style copyright line too
    )
    if holder := HOLDER_LINES[license_id]:
        year = datetime.now(UTC).year
        assert holder.format(year=year, author="Zoë O'Brien") in text.splitlines()
    assert not (project / "licenses").exists()
