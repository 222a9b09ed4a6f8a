"""`manage.py newapp <name>` (run by `make app name=<name>`): startapp, and a line in YOUR_APPS."""

from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

# YOUR_APPS in config/settings/base.py is `[]` (as ruff formats it empty) or one app a line.
EMPTY, OPENED = "YOUR_APPS: list[str] = []\n", "YOUR_APPS: list[str] = [\n"


class Command(BaseCommand):
    help = "Create an app in the project package from app_template/ and add it to YOUR_APPS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the app's name, e.g. billing")

    def handle(self, *args: Any, name: str, **options: Any) -> None:
        root, target = Path(settings.BASE_DIR), Path(settings.APPS_DIR) / name
        base_settings = root / "config" / "settings" / "base.py"
        source = base_settings.read_text(encoding="utf-8").replace(EMPTY, f"{OPENED}]\n")
        # startapp refuses a name that is no identifier or an importable module; not these.
        if target.exists():
            raise CommandError(f"{target} already exists: choose another name.")
        if any(config.label == name for config in apps.get_app_configs()):
            raise CommandError(f"An installed app already has the label {name!r}: choose another.")
        if OPENED not in source:
            raise CommandError(f"{base_settings} has no YOUR_APPS list to add the app to.")

        call_command("startapp", name, str(target), template=str(root / "app_template"))
        dotted = f"{target.parent.name}.{name}"
        end = source.index("\n]", source.index(OPENED))  # the list's closing bracket
        base_settings.write_text(f'{source[:end]}\n    "{dotted}",{source[end:]}', encoding="utf-8")

        created = f"Created {target.relative_to(root)}/ and added {dotted} to YOUR_APPS."
        self.stdout.write(self.style.SUCCESS(created))
        self.stdout.write(
            f"Next: models in {name}/models.py (then `manage.py makemigrations {name}`), API views "
            "in api.py with routes in config/api_urls.py, side effects in services.py."
        )
