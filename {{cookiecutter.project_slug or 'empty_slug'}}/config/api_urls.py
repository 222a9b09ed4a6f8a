"""The API: viewsets on the router (listed at /api/), the OpenAPI schema and its docs."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from {{ cookiecutter.project_slug }}.core.api import ApiDocsView
{% if cookiecutter.include_example_app -%}
from {{ cookiecutter.project_slug }}.projects.api import LabelListCreateView, ProjectViewSet, TaskViewSet
{% endif -%}
from {{ cookiecutter.project_slug }}.users.api import UserViewSet

# Your apps' API: register each app's viewsets (from its api.py) on this router.
router = DefaultRouter()
router.register("users", UserViewSet, basename="user")
{%- if cookiecutter.include_example_app %}
router.register("projects", ProjectViewSet, basename="project")
router.register("tasks", TaskViewSet, basename="task")
{%- endif %}

# Accounts (log-in, sign-up, MFA, sessions) are allauth's API under /_allauth/ (config/urls.py).
urlpatterns = [
    *router.urls,
{%- if cookiecutter.include_example_app %}
    path("labels/", LabelListCreateView.as_view(), name="label-list"),
{%- endif %}
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
]
