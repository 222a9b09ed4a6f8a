"""Top-level URLs: a home page, the admin at its configured path, the API under /api/, health."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import TemplateView

from {{ cookiecutter.project_slug }}.core import health
from {{ cookiecutter.project_slug }}.core.views import favicon

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/", include("config.api_urls")),
    path("health/", health.liveness, name="health-liveness"),
    path("health/ready/", health.readiness, name="health-readiness"),
    path("favicon.ico", favicon),
{%- if cookiecutter.include_example_app %}
    path("projects/", include("{{ cookiecutter.project_slug }}.projects.urls")),
{%- endif %}
    # Your apps' pages: include each app's urls.py here; its API goes in config/api_urls.py.
]
