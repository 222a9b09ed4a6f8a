"""Celery reads its configuration from Django settings and says when tasks run in-process."""

from django.test import override_settings

from config.celery import app, report_eager_tasks

from .settings_process import DEV_ENV, PROD_ENV, load_settings, run


def test_app_is_configured_for_reliability() -> None:
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.accept_content == ["json"]
    assert app.conf.broker_transport_options["visibility_timeout"] > app.conf.task_time_limit


def test_tasks_are_discovered() -> None:
    app.loader.import_default_modules()

    assert "{{ cookiecutter.project_slug }}.users.tasks.send_welcome_email" in app.tasks


def test_eager_mode_is_reported() -> None:
    messages = report_eager_tasks()

    assert [message.id for message in messages] == ["config.I001"]


@override_settings(CELERY_TASK_ALWAYS_EAGER=False)
def test_nothing_is_reported_with_a_broker() -> None:
    assert report_eager_tasks() == []


def test_dev_without_a_broker_runs_tasks_eagerly_and_says_so() -> None:
    result = run(["manage.py", "check"], "config.settings.dev", DEV_ENV)

    assert result.returncode == 0, result.stderr
    assert "Celery tasks run eagerly" in result.stdout + result.stderr


def test_dev_with_redis_sends_tasks_to_a_worker() -> None:
    env = {**DEV_ENV, "REDIS_URL": "redis://127.0.0.1:6379/0"}

    dev = load_settings("config.settings.dev", env, "CELERY_TASK_ALWAYS_EAGER", "CELERY_BROKER_URL")

    assert dev == {"CELERY_TASK_ALWAYS_EAGER": False, "CELERY_BROKER_URL": env["REDIS_URL"]}


def test_prod_never_runs_tasks_eagerly() -> None:
    prod = load_settings("config.settings.prod", PROD_ENV, "CELERY_TASK_ALWAYS_EAGER")

    assert prod["CELERY_TASK_ALWAYS_EAGER"] is False
