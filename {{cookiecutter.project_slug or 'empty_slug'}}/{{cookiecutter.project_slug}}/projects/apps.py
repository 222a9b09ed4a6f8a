from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    """The example app: projects, their tasks and labels. Delete it when you no longer need it."""

    name = "{{ cookiecutter.project_slug }}.projects"
    verbose_name = "Projects (example)"
