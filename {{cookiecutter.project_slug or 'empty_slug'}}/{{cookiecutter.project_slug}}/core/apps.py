from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What the whole site shares: views of no one app, project-wide helpers, the demo data."""

    name = "{{ cookiecutter.project_slug }}.core"
    verbose_name = "Core"
{%- if cookiecutter.use_celery %}

    def ready(self) -> None:
        from . import checks  # noqa: F401, PLC0415  # registers the checks, once apps are ready
{%- endif %}
