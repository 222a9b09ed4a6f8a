from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What the whole site shares: views of no one app, project-wide helpers, the demo data."""

    name = "{{ cookiecutter.project_slug }}.core"
