"""Local development: no services needed (SQLite, in-process tasks, email on the console)."""

from pathlib import Path

import environ

# Only local development reads .env (written by the template, git-ignored); test and prod
# take the real environment alone. It must be read before base reads the environment.
environ.Env.read_env(environ.Env().str("DJANGO_ENV_FILE", Path(__file__).parents[2] / ".env"))

from .base import *  # noqa: E402, F403
from .base import INSTALLED_APPS, MIDDLEWARE, SECURE_CSP, SPECTACULAR_SETTINGS, env  # noqa: E402

DEBUG = True
RAISE_ON_LAZY_FETCH = True  # an N+1 query fails loudly while you write it
SECRET_KEY = env("DJANGO_SECRET_KEY")

MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# The policy prod enforces, reported instead: Django's DEBUG error pages (the yellow 404 and
# 500 pages) inline scripts and styles without a nonce. Violations show in the browser console.
SECURE_CSP_REPORT_ONLY = SECURE_CSP
SECURE_CSP = {}

# django-debug-toolbar: dev only (it is in the dev dependency group).
INSTALLED_APPS = [*INSTALLED_APPS, "debug_toolbar"]
MIDDLEWARE = ["debug_toolbar.middleware.DebugToolbarMiddleware", *MIDDLEWARE]
INTERNAL_IPS = ["127.0.0.1"]
DEBUG_TOOLBAR_CONFIG = {"SHOW_COLLAPSED": True}  # a tab at the edge, opened when you need it
ROOT_URLCONF = "config.dev_urls"

# Anyone on your machine may read the API docs; elsewhere they are for staff.
SPECTACULAR_SETTINGS = {
    **SPECTACULAR_SETTINGS,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
}
