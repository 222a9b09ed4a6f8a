"""Load settings modules the way a server would: in a fresh process with a given environment.

Every variant the tests read (a settings module with an environment) is listed in VARIANTS and
loaded once per test session, all in one process: for each, that process sees only the
variant's environment, re-imports the settings modules afresh and builds Django's Settings from
them, as a server's first `settings.X` does. A variant that refuses to load keeps its error.

Commands (`run`) start from a fork server: one process per test session that has imported the
libraries every command imports (Django, DRF, gunicorn and the like) and nothing of the project.
Each command is a fork of it with only its own environment, which then imports the project,
settings included, as a new process would: a third of the time of starting Python anew.
"""

import atexit
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
import json, os, sys
from django.conf import Settings

system = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
loaded = []
for module, env in json.loads(sys.argv[1]):
    os.environ.clear()
    os.environ.update(system | env | {"DJANGO_SETTINGS_MODULE": module})
    for name in [name for name in sys.modules if name.startswith("config.settings.")]:
        del sys.modules[name]
    try:
        values = Settings(module)
    except Exception as error:
        loaded.append({"error": f"{type(error).__name__}: {error}"})
    else:
        names = [name for name in dir(values) if name.isupper()]
        loaded.append({"settings": {name: getattr(values, name) for name in names}})
print(json.dumps(loaded, default=repr))
"""

# Reads one command per line (JSON: arguments, environment), answers one line per command.
_FORK_SERVER = """
import gc, importlib, json, os, runpy, signal, sys, tempfile, traceback

# Libraries only: importing one of them reads no setting and no environment variable.
PRELOAD = [
    "django.contrib.admin", "django.contrib.staticfiles.handlers", "django.core.management",
    "django.db.models", "django.http", "django.test", "django.urls",
    "django_filters.rest_framework", "django_stubs_ext", "environ", "fido2.server",
    "gunicorn.app.wsgiapp", "psycopg", "pythonjsonlogger.json", "redis",
    "rest_framework.serializers", "whitenoise.middleware",
{%- if cookiecutter.use_celery %}
    "celery", "kombu.transport.redis",
{%- endif %}
]
for name in PRELOAD:
    importlib.import_module(name)
gc.freeze()  # a fork's garbage collections skip what it inherits, and its memory stays shared


# Runs `python *args` in this forked process, then exits with its status.
def command(args, env, out, err):
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    os.dup2(out, 1)
    os.dup2(err, 2)
    os.environ.clear()
    os.environ.update(env)
    signal.alarm(60)  # a command that hangs is killed by SIGALRM, and the test sees that
    status = 0
    try:
        if args[0] == "-c":
            sys.argv = ["-c", *args[2:]]
            exec(compile(args[1], "<string>", "exec"), {"__name__": "__main__"})
        elif args[0] == "-m":
            sys.argv = args[1:]
            runpy.run_module(args[1], run_name="__main__", alter_sys=True)
        else:
            sys.argv = args
            runpy.run_path(args[0], run_name="__main__")
    except SystemExit as exit:
        if isinstance(exit.code, str):
            print(exit.code, file=sys.stderr)
        status = exit.code if isinstance(exit.code, int) else int(exit.code is not None)
    except BaseException:
        traceback.print_exc()
        status = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


for line in sys.stdin:
    args, env = json.loads(line)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        pid = os.fork()
        if pid == 0:
            command(args, env, out.fileno(), err.fileno())
        _, status = os.waitpid(pid, 0)
        captured = []
        for file in (out, err):
            file.seek(0)
            captured.append(file.read().decode(errors="replace"))
    print(json.dumps([os.waitstatus_to_exitcode(status), *captured]), flush=True)
os._exit(0)  # input closed: the session is over, nothing to clean up
"""


def _system_env() -> dict[str, str]:
    return {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}


@functools.cache
def _fork_server() -> subprocess.Popen[str]:
    server = subprocess.Popen(  # noqa: S603  # our own interpreter, fixed arguments
        [sys.executable, "-c", _FORK_SERVER],
        cwd=PROJECT_DIR,
        env=_system_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    atexit.register(server.communicate)  # closing its input ends it
    return server


def run(args: list[str], module: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run `python *args` like a fresh server: only `env` configures it (see the docstring)."""
    server = _fork_server()
    assert server.stdin
    assert server.stdout
    command_env = {**_system_env(), **env, "DJANGO_SETTINGS_MODULE": module}
    server.stdin.write(json.dumps([args, command_env]) + "\n")
    server.stdin.flush()
    # Every command ends within 60 s (its alarm), so the answer always comes.
    answer = server.stdout.readline()
    assert answer, f"the fork server stopped (exit {server.wait()})"
    returncode, stdout, stderr = json.loads(answer)
    return subprocess.CompletedProcess(args, returncode, stdout, stderr)


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
