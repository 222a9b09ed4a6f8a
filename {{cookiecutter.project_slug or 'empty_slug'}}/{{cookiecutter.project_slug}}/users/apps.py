from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.users"
    verbose_name = "Users"

    def ready(self) -> None:
        from . import login_log  # noqa: F401, PLC0415  # connects its receivers, once apps are ready
