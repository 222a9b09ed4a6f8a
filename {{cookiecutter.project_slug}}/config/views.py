from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """A landing page that points at the API docs, the browsable API and the admin."""
    return render(request, "home.html", {"project_name": {{ cookiecutter.project_name | tojson }}})
