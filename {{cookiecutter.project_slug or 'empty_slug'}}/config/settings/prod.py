"""Production fails closed: every required variable must be set; nothing falls back to localhost."""

{% if cookiecutter.use_sentry -%}
import sentry_sdk
{% endif -%}
from django.core.exceptions import ImproperlyConfigured

from config import json_logging

from .base import *  # noqa: F403
from .base import LOGGING, REDIS_CACHE, REST_FRAMEWORK, env

SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
# A connection the server dropped (a restart, a failover) fails one request in each worker, then
# is replaced. Health checks spare that request with a `SELECT 1` before every request's first
# query: a round trip each, about a twentieth of an API request's time.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("DJANGO_CONN_HEALTH_CHECKS", default=False)
ADMIN_URL = env("DJANGO_ADMIN_URL")
REDIS_URL = env("REDIS_URL")
CACHES = {"default": {**REDIS_CACHE, "LOCATION": REDIS_URL}}

if env.bool("DJANGO_DEBUG", default=False):
    raise ImproperlyConfigured("DJANGO_DEBUG is on: production never runs in debug mode; unset it.")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure-"):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be at least 50 random characters, not a django-insecure- key."
    )
if "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list host names, not '*'.")
if not ADMIN_URL.strip("/"):
    raise ImproperlyConfigured("DJANGO_ADMIN_URL must be a non-empty path, e.g. 'staff-a1b2c3/'.")

# Email over SMTP, e.g. DJANGO_SMTP_URL=smtp+tls://user:password@smtp.example.com:587
_smtp = env.email_url("DJANGO_SMTP_URL")
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _smtp["EMAIL_HOST"],
            "port": _smtp["EMAIL_PORT"],
            "username": _smtp["EMAIL_HOST_USER"],
            "password": _smtp["EMAIL_HOST_PASSWORD"],
            "use_tls": _smtp.get("EMAIL_USE_TLS", False),
            "use_ssl": _smtp.get("EMAIL_USE_SSL", False),
            "timeout": 10,
        },
    },
}

# HTTPS behind a proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preloading is hard to undo, so it is opt-in; until then its deploy warning is expected.
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Secure-sessionid"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_NAME = "__Secure-csrftoken"
CSRF_COOKIE_HTTPONLY = True  # no script reads it: forms and Swagger UI take the token from the page
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Accounts: staff must log in with a second factor (TOTP); the proxy that terminates HTTPS
# appends the client's address to X-Forwarded-For, which the login lockout counts per client.
STAFF_REQUIRE_MFA = env.bool("DJANGO_STAFF_REQUIRE_MFA", default=True)
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=1)
REST_FRAMEWORK = {**REST_FRAMEWORK, "NUM_PROXIES": ALLAUTH_TRUSTED_PROXY_COUNT}

# Static files: hashed names and compressed copies, made by collectstatic, served by WhiteNoise.
# Uploads: on disk under DJANGO_MEDIA_ROOT unless DJANGO_MEDIA_STORAGE names another backend
# (e.g. storages.backends.s3.S3Storage, after adding django-storages), with its OPTIONS as JSON.
STORAGES = {
    "default": {
        "BACKEND": env(
            "DJANGO_MEDIA_STORAGE", default="django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": env.json("DJANGO_MEDIA_STORAGE_OPTIONS", default={}),
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# One JSON object per log line on stdout, for the platform's log collector.
LOGGING = {**LOGGING, "formatters": json_logging.FORMATTERS, "handlers": json_logging.HANDLERS}
{%- if cookiecutter.use_sentry %}

# Errors to Sentry when SENTRY_DSN is set. No personal data (user ids, IP addresses, cookies,
# request bodies) unless SENTRY_SEND_DEFAULT_PII says so.
SENTRY_DSN = env("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", default="production")
SENTRY_SEND_DEFAULT_PII = env.bool("SENTRY_SEND_DEFAULT_PII", default=False)
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
if SENTRY_DSN:
    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=SENTRY_ENVIRONMENT,
        send_default_pii=SENTRY_SEND_DEFAULT_PII,
        traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
    )
{%- endif %}
