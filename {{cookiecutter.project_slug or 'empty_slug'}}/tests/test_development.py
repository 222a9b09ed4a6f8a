"""What a developer sees locally: each log line printed once, the debug toolbar out of the way."""

from .settings_process import DEV_ENV, load_settings, run

LOG_A_REQUEST_WARNING = (
    "import django, logging; django.setup();"
    "logging.getLogger('django.request').warning('Not Found: /nowhere/')"
)


def test_dev_prints_each_django_log_line_once() -> None:
    result = run(["-c", LOG_A_REQUEST_WARNING], "config.settings.dev", DEV_ENV)

    assert result.returncode == 0, result.stderr
    assert (result.stdout + result.stderr).count("Not Found: /nowhere/") == 1


def test_dev_debug_toolbar_starts_collapsed() -> None:
    dev = load_settings("config.settings.dev", DEV_ENV, "DEBUG_TOOLBAR_CONFIG")

    assert dev["DEBUG_TOOLBAR_CONFIG"]["SHOW_COLLAPSED"] is True
