from django.apps import AppConfig


class IdempotencyConfig(AppConfig):
    """Keys that let a task have its effect once, however many times Celery delivers it."""

    name = "{{ cookiecutter.project_slug }}.idempotency"
    verbose_name = "Idempotency keys"
