"""Gunicorn's production settings (config/gunicorn.py) load, with numbers from the environment."""

import os

from .settings_process import GUNICORN_ENV, PROD_ENV, load_gunicorn, run

GUNICORN = ["-m", "gunicorn", "--config", "python:config.gunicorn", "config.wsgi"]


def test_gunicorn_serves_the_prod_app_with_json_logs() -> None:
    """Every setting as `gunicorn --print-config` resolves it, after loading the app."""
    result = run([*GUNICORN, "--print-config"], "config.settings.prod", PROD_ENV)
    assert result.returncode == 0, result.stderr
    pairs = [line.partition("=") for line in result.stdout.splitlines()]
    config = {name.strip(): value.strip() for name, _, value in pairs}

    assert config["bind"] == "['0.0.0.0:8000']"
    assert int(config["workers"]) == min((os.cpu_count() or 1) + 1, 8)
    assert config["timeout"] == "30"
    assert config["max_requests"] == "20000"
    assert config["max_requests_jitter"] == "10000"
    assert config["control_socket_disable"] == "True"
    assert "pythonjsonlogger.json.JsonFormatter" in config["logconfig_dict"]


def test_gunicorn_takes_its_numbers_from_the_environment() -> None:
    config = load_gunicorn({**PROD_ENV, **GUNICORN_ENV})

    assert config["workers"] == 5
    assert config["timeout"] == 90
    assert config["bind"] == ":9000"


def test_gunicorn_access_logger_level_follows_the_switch() -> None:
    """Access lines are off by default (the proxy in front logs requests), errors always on; the
    template's live test sees the lines of a real gunicorn with the switch on."""
    for env, level in ((PROD_ENV, "WARNING"), ({**PROD_ENV, **GUNICORN_ENV}, "INFO")):
        loggers = load_gunicorn(env)["logconfig_dict"]["loggers"]

        assert loggers["gunicorn.access"]["level"] == level
        assert "level" not in loggers["gunicorn.error"]  # gunicorn's --log-level: info


def test_gunicorn_refuses_to_start_on_an_insecure_configuration() -> None:
    env = {**PROD_ENV, "DJANGO_ALLOWED_HOSTS": "*"}

    result = run([*GUNICORN, "--check-config"], "config.settings.prod", env)

    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr
