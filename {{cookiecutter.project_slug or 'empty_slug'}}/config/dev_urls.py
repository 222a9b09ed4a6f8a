"""Development URLs: the project's URLs plus the debug toolbar's."""

from debug_toolbar.toolbar import debug_toolbar_urls

from .urls import urlpatterns as project_urlpatterns

urlpatterns = [*project_urlpatterns, *debug_toolbar_urls()]
