"""Load settings modules the way a server would: in a fresh process with a given environment.

Every variant the tests read (a settings module with an environment) is listed in VARIANTS and
loaded once per test session, all in one process: for each, that process sees only the
variant's environment and imports the settings modules afresh, as a server's first `settings.X`
does. A variant that refuses to load keeps its error.

Commands (`run`) start as a new Python process each, with only the environment they are given.
"""

import functools
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

# Lockout limits and staff MFA as an operator sets them.
LOCKOUT_ENV = {
    "DJANGO_LOGIN_FAILURES_PER_IP": "50",
    "DJANGO_LOGIN_FAILURES_PER_ACCOUNT": "3",
    "DJANGO_LOGIN_LOCKOUT_SECONDS": "60",
    "DJANGO_STAFF_REQUIRE_MFA": "false",
}

# Development without a .env file and without services.
DEV_ENV = {"DJANGO_ENV_FILE": os.devnull, "DJANGO_SECRET_KEY": "dev-test-key"}

# Production settings with one variable spoiled: each must refuse to load, naming it.
INSECURE = [
    ("DJANGO_SECRET_KEY", "too-short"),
    ("DJANGO_SECRET_KEY", "django-insecure-" + "x" * 50),
    ("DJANGO_ALLOWED_HOSTS", "*"),
    ("DJANGO_ADMIN_URL", "/"),
    ("DJANGO_DEBUG", "true"),
]

VARIANTS: list[tuple[str, dict[str, str]]] = [
    ("config.settings.dev", DEV_ENV),
    ("config.settings.prod", PROD_ENV),
    ("config.settings.prod", {**PROD_ENV, "DJANGO_HSTS_PRELOAD": "true"}),
    ("config.settings.prod", {**PROD_ENV, **LOCKOUT_ENV}),
    (
        "config.settings.prod",
        {
            **PROD_ENV,
            "DJANGO_MEDIA_STORAGE": "django.core.files.storage.InMemoryStorage",
            "DJANGO_MEDIA_STORAGE_OPTIONS": '{"base_url": "/uploads/"}',
        },
    ),
{%- if cookiecutter.use_celery %}
    (
        "config.settings.prod",
        {**PROD_ENV, "CELERY_BEAT_SCHEDULE_FILENAME": "/var/lib/beat/schedule"},
    ),
    ("config.settings.dev", {**DEV_ENV, "REDIS_URL": "redis://127.0.0.1:6379/0"}),
    ("config.settings.prod", {**PROD_ENV, "CELERY_BROKER_URL": "redis://broker.internal:6379/1"}),
    ("config.settings.prod", {**PROD_ENV, "CELERY_BROKER_URL": ""}),
{%- endif %}
    *(
        ("config.settings.prod", {name: value for name, value in PROD_ENV.items() if name != gone})
        for gone in PROD_ENV
    ),
    *(("config.settings.prod", {**PROD_ENV, name: value}) for name, value in INSECURE),
]

_LOAD_VARIANTS = """
import importlib, json, os, sys
from django.conf import global_settings

system = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
loaded = []
for module, env in json.loads(sys.argv[1]):
    os.environ.clear()
    os.environ.update(system | env | {"DJANGO_SETTINGS_MODULE": module})
    for name in [name for name in sys.modules if name.startswith("config.settings.")]:
        del sys.modules[name]
    try:
        values = importlib.import_module(module)
    except Exception as error:
        loaded.append({"error": f"{type(error).__name__}: {error}"})
    else:
        # What Django uses: the module's settings over its defaults (global_settings).
        effective = {name: getattr(global_settings, name) for name in dir(global_settings)}
        effective |= {name: getattr(values, name) for name in dir(values)}
        loaded.append({"settings": {k: v for k, v in effective.items() if k.isupper()}})
print(json.dumps(loaded, default=repr))
"""


def run(args: list[str], module: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run `python *args` in the project like a fresh server: only `env` configures it."""
    system = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    return subprocess.run(  # noqa: S603  # our own interpreter, arguments from the tests
        [sys.executable, *args],
        cwd=PROJECT_DIR,
        env={**system, **env, "DJANGO_SETTINGS_MODULE": module},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _key(module: str, env: dict[str, str]) -> tuple[str, frozenset[tuple[str, str]]]:
    return module, frozenset(env.items())


@functools.cache
def _loaded() -> dict[tuple[str, frozenset[tuple[str, str]]], dict[str, Any]]:
    """Every variant, loaded once per session (per xdist worker) in one process."""
    result = run(["-c", _LOAD_VARIANTS, json.dumps(VARIANTS)], "set by each variant", {})
    assert result.returncode == 0, result.stderr
    loaded: list[dict[str, Any]] = json.loads(result.stdout.splitlines()[-1])
    return {_key(module, env): each for (module, env), each in zip(VARIANTS, loaded, strict=True)}


def _variant(module: str, env: dict[str, str]) -> dict[str, Any]:
    loaded = _loaded().get(_key(module, env))
    assert loaded is not None, f"add this variant to VARIANTS (tests/settings_process.py): {env}"
    return loaded


def load_settings(module: str, env: dict[str, str], *names: str) -> dict[str, Any]:
    """The effective values of `names` under `module`; fails the test if loading fails."""
    loaded = _variant(module, env)
    assert "settings" in loaded, loaded["error"]
    return {name: loaded["settings"][name] for name in names}


def load_error(module: str, env: dict[str, str]) -> str:
    """Why `module` refuses to load under `env`; fails the test if it loads."""
    loaded = _variant(module, env)
    assert "error" in loaded, f"{module} loaded with {env}"
    error: str = loaded["error"]
    return error
