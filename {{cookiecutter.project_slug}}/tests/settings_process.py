"""Load settings modules the way a server would: in a fresh process with a given environment."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings

PROJECT_DIR = Path(settings.BASE_DIR)

# Valid production values; tests remove or spoil one at a time.
PROD_ENV = {
    "DJANGO_SECRET_KEY": "prod-test-" + "k3y-" * 12,
    "DJANGO_ALLOWED_HOSTS": "{{ cookiecutter.domain_name }}",
    "DATABASE_URL": "postgres://app:secret@127.0.0.1:5432/app",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "DJANGO_ADMIN_URL": "staff-area/",
    "DJANGO_SMTP_URL": "smtp+tls://mailer:secret@smtp.{{ cookiecutter.domain_name }}:587",
}

# Development without a .env file and without services.
DEV_ENV = {"DJANGO_ENV_FILE": os.devnull, "DJANGO_SECRET_KEY": "dev-test-key"}

_PRINT_SETTINGS = """
import json, sys
import django
from django.conf import settings
django.setup()
print(json.dumps({name: getattr(settings, name) for name in sys.argv[1:]}, default=repr))
"""


def run(args: list[str], module: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run Python in a bare environment, like a fresh server: only `env` configures it."""
    system = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    return subprocess.run(  # noqa: S603  # our own interpreter, fixed arguments
        [sys.executable, *args],
        cwd=PROJECT_DIR,
        env={**system, **env, "DJANGO_SETTINGS_MODULE": module},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def load_settings(module: str, env: dict[str, str], *names: str) -> dict[str, Any]:
    """The effective values of `names` under `module`; fails the test if start-up fails."""
    result = run(["-c", _PRINT_SETTINGS, *names], module, env)
    assert result.returncode == 0, result.stderr
    values: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    return values
