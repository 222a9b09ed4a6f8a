"""Top-level URLs: a home page, the admin at its configured path, the API under /api/."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from .views import home

urlpatterns = [
    path("", home, name="home"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/", include("config.api_urls")),
]
