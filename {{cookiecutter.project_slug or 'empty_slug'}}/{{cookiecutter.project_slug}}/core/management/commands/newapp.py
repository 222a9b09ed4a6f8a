"""`manage.py newapp <name>` (run by `make app name=<name>`): a new app in this project's layout.

Django's startapp, from the project's own app template (app_template/): the app goes into the
project package as <package>.<name>, with the modules every app here has and a test that passes,
and its line joins YOUR_APPS in config/settings/base.py.
"""

import keyword
import re
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

# The YOUR_APPS list of base.py, empty (`= []`, as ruff formats it) or one app a line.
YOUR_APPS = re.compile(r"^YOUR_APPS: list\[str\] = \[(?P<apps>[^\]]*)\]", re.MULTILINE)
APP_NAME = re.compile(r"[a-z][a-z0-9_]*")


def problem_with(name: str, package: Path) -> str:
    """Why `name` cannot be a new app in `package` ("" if it can)."""
    if not APP_NAME.fullmatch(name) or keyword.iskeyword(name):
        return f"{name!r} is no app name: use lowercase letters, digits and _ (e.g. billing)."
    if (package / name).exists():
        return f"{package / name} already exists: choose another name."
    if any(config.label == name for config in apps.get_app_configs()):
        return f"An installed app already has the label {name!r}: choose another name."
    if find_spec(name) is not None:
        return f"{name!r} is the name of an importable module: choose another name."
    return ""


class Command(BaseCommand):
    help = "Create an app in the project package from app_template/ and add it to YOUR_APPS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the app's name, e.g. billing")

    def handle(self, *args: Any, name: str, **options: Any) -> None:
        root = Path(settings.BASE_DIR)
        package = Path(settings.APPS_DIR)
        base_settings = root / "config" / "settings" / "base.py"
        if problem := problem_with(name, package):
            raise CommandError(problem)
        source = base_settings.read_text(encoding="utf-8")
        if (listed := YOUR_APPS.search(source)) is None:
            raise CommandError(f"{base_settings} has no YOUR_APPS list to add the app to.")

        target = package / name
        target.mkdir()
        call_command("startapp", name, str(target), template=str(root / "app_template"))
        dotted = f"{package.name}.{name}"
        lines = [line for line in listed["apps"].splitlines() if line.strip()]
        apps_list = "".join(f"{line}\n" for line in [*lines, f'    "{dotted}",'])
        start, end = listed.span("apps")
        base_settings.write_text(f"{source[:start]}\n{apps_list}{source[end:]}", encoding="utf-8")

        created = f"Created {target.relative_to(root)}/ and added {dotted} to YOUR_APPS."
        self.stdout.write(self.style.SUCCESS(created))
        self.stdout.write(
            f"Next: models in {name}/models.py (then `manage.py makemigrations {name}`), API views "
            "in api.py with routes in config/api_urls.py, side effects in services.py."
        )
