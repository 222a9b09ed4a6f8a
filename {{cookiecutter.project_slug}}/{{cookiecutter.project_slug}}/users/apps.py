from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.users"
    verbose_name = "Users"
{%- if cookiecutter.use_celery %}

    def ready(self) -> None:
        from . import signals  # noqa: F401, PLC0415  # connects the receivers, once apps are ready
{%- endif %}
