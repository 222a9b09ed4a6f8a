"""Gunicorn's production settings (config/gunicorn.py) load, with numbers from the environment."""

import os

from .settings_process import PROD_ENV, run

GUNICORN = ["-m", "gunicorn", "--config", "python:config.gunicorn", "config.wsgi"]


def resolved_config(env: dict[str, str]) -> dict[str, str]:
    """Every gunicorn setting as `gunicorn --print-config` resolves it, after loading the app."""
    result = run([*GUNICORN, "--print-config"], "config.settings.prod", env)
    assert result.returncode == 0, result.stderr
    pairs = [line.partition("=") for line in result.stdout.splitlines()]
    return {name.strip(): value.strip() for name, _, value in pairs}


def test_gunicorn_serves_the_prod_app_with_json_logs() -> None:
    config = resolved_config(PROD_ENV)

    assert config["bind"] == "['0.0.0.0:8000']"
    assert int(config["workers"]) == min((os.cpu_count() or 1) + 1, 8)
    assert config["timeout"] == "30"
    assert config["max_requests"] == "20000"
    assert config["max_requests_jitter"] == "10000"
    assert config["control_socket_disable"] == "True"
    assert "pythonjsonlogger.json.JsonFormatter" in config["logconfig_dict"]


def test_gunicorn_takes_its_numbers_from_the_environment() -> None:
    env = {**PROD_ENV, "GUNICORN_WORKERS": "5", "GUNICORN_TIMEOUT": "90", "GUNICORN_BIND": ":9000"}

    config = resolved_config(env)

    assert config["workers"] == "5"
    assert config["timeout"] == "90"
    assert config["bind"] == "[':9000']"


def test_gunicorn_refuses_to_start_on_an_insecure_configuration() -> None:
    env = {**PROD_ENV, "DJANGO_ALLOWED_HOSTS": "*"}

    result = run([*GUNICORN, "--check-config"], "config.settings.prod", env)

    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr
