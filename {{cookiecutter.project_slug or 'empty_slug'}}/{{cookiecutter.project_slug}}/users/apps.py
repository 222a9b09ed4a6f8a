from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.users"

    def ready(self) -> None:
        # Connect their receivers, once apps are ready.
        from . import login_log, sessions  # noqa: F401, PLC0415
