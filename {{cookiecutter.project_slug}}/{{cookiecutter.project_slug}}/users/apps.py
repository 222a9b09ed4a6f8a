from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.users"
    verbose_name = "Users"

    def ready(self) -> None:
        from . import (  # noqa: PLC0415  # connects the receivers, once apps are ready
            login_log,  # noqa: F401
{%- if cookiecutter.use_celery %}
            signals,  # noqa: F401
{%- endif %}
        )
