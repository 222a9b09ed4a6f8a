"""Top-level URLs: the site's pages, the admin, the accounts API and health."""

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from {{ cookiecutter.project_slug }}.core import health, views

# The admin logs in through the site's log-in (django-allauth): one lockout, one MFA prompt.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("_allauth/<str:client>/v1/account/phone", views.feature_left_off),  # no phone numbers
    path("_allauth/", include("allauth.headless.urls")),  # the accounts API (README: API clients)
    path("api/", include("config.api_urls")),
    path("health/", health.liveness, name="health-liveness"),
    path("health/ready/", health.readiness, name="health-readiness"),
    path("favicon.ico", views.favicon),
{%- if cookiecutter.include_example_app %}
    path("projects/", include("{{ cookiecutter.project_slug }}.projects.urls")),
{%- endif %}
    # Your apps' pages: include each app's urls.py here; its API goes in config/api_urls.py.
]
