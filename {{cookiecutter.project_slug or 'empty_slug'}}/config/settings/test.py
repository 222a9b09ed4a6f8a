"""Test runs: fast, deterministic, isolated from the developer's .env and services."""

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = "test-only-key-not-used-anywhere-else-0123456789abcdef"  # noqa: S105
ALLOWED_HOSTS = ["testserver"]
RAISE_ON_LAZY_FETCH = True  # a forgotten select_related() fails the test that hits it

# SQLite in memory unless DATABASE_URL points the tests at a real server (as CI does).
DATABASES = {"default": env.db("DATABASE_URL", default="sqlite://:memory:")}

# Password hashing is deliberately slow; tests do not need that.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS_URL = ""  # throttles count in CACHES too (tests/test_throttling.py brings its own Redis)
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}

# Serve static files from the apps, as in dev: tests do not run collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
{%- if cookiecutter.use_celery %}

# Tasks run in-process and raise their errors in the test that queued them.
CELERY_TASK_ALWAYS_EAGER = True
{%- endif %}
