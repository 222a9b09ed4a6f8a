import ast
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from pytest_django import Settings

PROJECT_DIR = Path(settings.BASE_DIR)
PACKAGE = Path(settings.APPS_DIR).name
NAME = "made_by_a_test"  # not "billing": the project may have one by then
APP_MODULES = ["apps", "models", "admin", "api", "serializers", "services"]


@pytest.fixture
def project(tmp_path: Path, settings: Settings) -> Path:
    """A copy of what newapp reads and writes: the base settings, app_template/, the package."""
    (tmp_path / "config" / "settings").mkdir(parents=True)
    shutil.copy(PROJECT_DIR / "config/settings/base.py", tmp_path / "config/settings/base.py")
    shutil.copytree(PROJECT_DIR / "app_template", tmp_path / "app_template")
    (tmp_path / PACKAGE).mkdir()
    settings.BASE_DIR = tmp_path
    settings.APPS_DIR = tmp_path / PACKAGE
    return tmp_path


def your_apps(project: Path) -> list[str]:
    module = ast.parse((project / "config/settings/base.py").read_text(encoding="utf-8"))
    [value] = [
        node.value
        for node in module.body
        if isinstance(node, ast.AnnAssign) and ast.unparse(node.target) == "YOUR_APPS"
    ]
    assert value is not None
    apps: list[str] = ast.literal_eval(value)
    return apps


def everything_in(project: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(project)): path.read_bytes()
        for path in sorted(project.rglob("*"))
        if path.is_file()
    }


def test_newapp_creates_the_app_in_the_project_package(project: Path) -> None:
    call_command("newapp", NAME)

    app = project / PACKAGE / NAME
    for module in APP_MODULES:
        assert (app / f"{module}.py").is_file()
    assert (app / "migrations" / "__init__.py").is_file()
    assert (app / "tests" / "test_apps.py").is_file()
    assert not list(app.rglob("*-tpl"))
    apps_py = (app / "apps.py").read_text(encoding="utf-8")
    assert "class MadeByATestConfig(AppConfig):" in apps_py
    assert f'name = "{PACKAGE}.{NAME}"' in apps_py
    assert f'label = "{NAME}"' in apps_py


def test_newapp_adds_the_app_to_your_apps(project: Path) -> None:
    before = your_apps(project)

    call_command("newapp", NAME)

    assert your_apps(project) == [*before, f"{PACKAGE}.{NAME}"]


def test_newapp_adds_a_second_app_below_the_first(project: Path) -> None:
    call_command("newapp", NAME)
    call_command("newapp", "second")

    assert your_apps(project)[-2:] == [f"{PACKAGE}.{NAME}", f"{PACKAGE}.second"]


@pytest.mark.parametrize(
    ("name", "complaint"),
    [
        ("bad-name", "not a valid app name"),  # startapp's checks
        ("json", "conflicts with the name of an existing Python module"),
        ("existing", "already exists"),  # newapp's own
        ("users", "already has the label"),
    ],
)
def test_newapp_refuses_a_name_and_changes_nothing(
    project: Path, name: str, complaint: str
) -> None:
    (project / PACKAGE / "existing").mkdir()
    before = everything_in(project)

    with pytest.raises(CommandError, match=complaint):
        call_command("newapp", name)

    assert everything_in(project) == before
    assert sorted(path.name for path in (project / PACKAGE).iterdir()) == ["existing"]


def test_newapp_needs_a_your_apps_list(project: Path) -> None:
    (project / "config/settings/base.py").write_text("INSTALLED_APPS = []\n", encoding="utf-8")

    with pytest.raises(CommandError, match="no YOUR_APPS list"):
        call_command("newapp", NAME)

    assert list((project / PACKAGE).iterdir()) == []
