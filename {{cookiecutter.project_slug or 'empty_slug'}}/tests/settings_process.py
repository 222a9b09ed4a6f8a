"""Load settings modules the way a server would: in a fresh process with a given environment.

Every variant the tests read (a settings module with an environment) is listed in VARIANTS and
loaded once per test session, all in one process: for each, that process sees only the
variant's environment and imports the settings modules and config/gunicorn.py afresh, as a
server does when it starts. A variant that refuses to load keeps its error.

Commands (`run`) start as a new Python process each, with only the environment they are given;
`prod_process` is one such start through the project's entry points.
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

# Gunicorn's settings as an operator sets them.
GUNICORN_ENV = {
    "GUNICORN_WORKERS": "5",
    "GUNICORN_TIMEOUT": "90",
    "GUNICORN_BIND": ":9000",
    "GUNICORN_ACCESS_LOG": "true",
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
    ("config.settings.prod", {**PROD_ENV, **GUNICORN_ENV}),
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
import importlib, json, os, runpy, sys
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
        continue
    # What Django uses: the module's settings over its defaults (global_settings).
    effective = {name: getattr(global_settings, name) for name in dir(global_settings)}
    effective |= {name: getattr(values, name) for name in dir(values)}
    gunicorn = runpy.run_path("config/gunicorn.py")
    loaded.append({
        "settings": {name: value for name, value in effective.items() if name.isupper()},
        "gunicorn": {name: value for name, value in gunicorn.items() if name.islower()},
    })
print(json.dumps(loaded, default=repr, sort_keys=True))
"""

# The project's entry points: each must choose production settings when DJANGO_SETTINGS_MODULE
# is unset (a production install has no dev dependencies to fall back on).
ENTRY_POINTS = [
{%- if cookiecutter.use_celery %}
    "config.celery",  # workers, beat; first: config/__init__.py imports it with the others
{%- endif %}
    "config.wsgi",  # gunicorn
    "config.asgi",  # an ASGI server
]

# A production process that imports each entry point with DJANGO_SETTINGS_MODULE unset and notes
# what the import set it to, then logs a line and runs the deploy checklist: one process for
# several tests, since each costs a second of CPU.
_PROD_PROCESS = """
import importlib, json, logging, os, sys
chosen = {}
for name in sys.argv[1:]:
    del os.environ["DJANGO_SETTINGS_MODULE"]
    module = importlib.import_module(name)
    chosen[name] = os.environ.get("DJANGO_SETTINGS_MODULE")
    if hasattr(module, "app"):  # a task queue's app: import its tasks, as a worker starts
        module.app.loader.import_default_modules()
from django.conf import settings
from django.core.management import call_command

logging.getLogger("shop").warning("sold %d", 3)
call_command("check", "--deploy", "--fail-level", "WARNING")
print(json.dumps([settings.SETTINGS_MODULE, settings.DEBUG, chosen]))
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


@functools.cache
def prod_process() -> subprocess.CompletedProcess[str]:
    result = run(["-c", _PROD_PROCESS, *ENTRY_POINTS], "unset by the code", PROD_ENV)
    assert result.returncode == 0, result.stderr
    return result


def load_variants(variants: list[tuple[str, dict[str, str]]]) -> list[dict[str, Any]]:
    """Each (settings module, environment) as a fresh server loads it, all in one new process:
    {"settings": effective settings, "gunicorn": config/gunicorn.py's values} or {"error": why
    the settings refuse to load}."""
    result = run(["-c", _LOAD_VARIANTS, json.dumps(variants)], "set by each variant", {})
    assert result.returncode == 0, result.stderr
    loaded: list[dict[str, Any]] = json.loads(result.stdout.splitlines()[-1])
    return loaded


def _key(module: str, env: dict[str, str]) -> tuple[str, frozenset[tuple[str, str]]]:
    return module, frozenset(env.items())


@functools.cache
def _loaded() -> dict[tuple[str, frozenset[tuple[str, str]]], dict[str, Any]]:
    """Every variant of VARIANTS, loaded once per session (per xdist worker)."""
    loaded = load_variants(VARIANTS)
    return {_key(module, env): each for (module, env), each in zip(VARIANTS, loaded, strict=True)}


def _variant(module: str, env: dict[str, str]) -> dict[str, Any]:
    loaded = _loaded().get(_key(module, env))
    assert loaded is not None, f"add this variant to VARIANTS (tests/settings_process.py): {env}"
    return loaded


def load_gunicorn(env: dict[str, str]) -> dict[str, Any]:
    """config/gunicorn.py's values under production settings and `env`."""
    loaded = _variant("config.settings.prod", env)
    assert "gunicorn" in loaded, loaded["error"]
    gunicorn: dict[str, Any] = loaded["gunicorn"]
    return gunicorn


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
