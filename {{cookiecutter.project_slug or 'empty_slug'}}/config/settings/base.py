"""Settings shared by every environment: dev, test and prod import them and change what differs.
https://docs.djangoproject.com/en/6.1/ref/settings/"""

{% if cookiecutter.use_celery -%}
import tempfile
from datetime import timedelta
{% endif -%}
from pathlib import Path

import django_stubs_ext
import environ
from django.utils.csp import CSP

# Lets generic Django classes be subscripted at run time (ModelAdmin[User]), as the type stubs want.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parents[2]
APPS_DIR = BASE_DIR / "{{ cookiecutter.project_slug }}"

env = environ.Env()

DEBUG = False
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])

# Apps
DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # allauth's list of sessions uses it
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # The accounts API for mobile apps and single-page apps: /_allauth/ (README: "API clients").
    "allauth.headless",
    # Lists a user's browser sessions and ends them. Its middleware, left out, would only keep
    # their address and last activity current (USERSESSIONS_TRACK_ACTIVITY), at a cost to every
    # request: add both if you want that.
    "allauth.usersessions",
]
# The template's own apps. Yours go in YOUR_APPS below.
LOCAL_APPS = [
    "{{ cookiecutter.project_slug }}.core",
    "{{ cookiecutter.project_slug }}.users",
{%- if cookiecutter.include_example_app %}
    "{{ cookiecutter.project_slug }}.projects",
{%- endif %}
]
# Your apps: `make app name=billing` creates one in {{ cookiecutter.project_slug }}/ and adds it here.
# Template updates (README: "Template updates") never touch this list, so your lines and the
# template's stay apart and an update merges without conflicts.
YOUR_APPS: list[str] = []
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS + YOUR_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A body that is not valid JSON gets 400 from allauth's API, in its error format.
    "{{ cookiecutter.project_slug }}.core.middleware.BadInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "{{ cookiecutter.project_slug }}.users.middleware.StaffMFAMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [APPS_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.csp",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: SQLite unless DATABASE_URL says otherwise (prod requires it). SQLite transactions
# take the write lock when they begin, so that two processes writing at once (the web process and
# a worker) wait for each other instead of failing with "database is locked".
DATABASES = {
    "default": env.db(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}?transaction_mode=IMMEDIATE"
    ),
}
# Lazy fetches of related objects: fetch for all peers at once in prod, raise in dev and tests
# (core/fetching.py).
RAISE_ON_LAZY_FETCH = False

# Authentication
AUTH_USER_MODEL = "users.User"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# Argon2 hashes new passwords; PBKDF2 (Django's default) still checks hashes made before it.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "{{ cookiecutter.project_slug }}.users.validators.MaximumLengthValidator"},
]

# Accounts: django-allauth (https://docs.allauth.org/) for log-in, password reset and change,
# TOTP MFA with recovery codes and the list of a user's sessions; pages under /accounts/.
# One backend: a failed log-in hashes once, not once for each backend tried (users/backends.py).
AUTHENTICATION_BACKENDS = ["{{ cookiecutter.project_slug }}.users.backends.AuthenticationBackend"]
ACCOUNT_ADAPTER = "{{ cookiecutter.project_slug }}.users.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"{{ cookiecutter.username_type }}"}
{%- if cookiecutter.username_type == "email" %}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
{%- else %}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
{%- endif %}
{%- if cookiecutter.allow_signup %}
# Anyone may register; the first log-in waits until the email address is verified.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
{%- else %}
# Staff create the accounts (admin, createsuperuser; no registration page: users/adapter.py).
ACCOUNT_EMAIL_VERIFICATION = "none"
{%- endif %}
ACCOUNT_EMAIL_SUBJECT_PREFIX = {{ ("[" ~ cookiecutter.project_name ~ "] ") | tojson }}
# Emailed codes, not links, reset passwords (and verify addresses): a mobile app's user types the
# code into the app, with no web page and no deep link to set up; the site's pages ask for it too.
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
# Lockout: after this many failed log-ins for one account, or from one client address, within
# the period, every attempt is refused (a correct password too) until the period has passed.
# Counted in the cache (Redis in prod): shared by every process. The site log-in, the admin's
# (it goes through the site's) and the API's (/_allauth/) all count here.
LOGIN_LOCKOUT_SECONDS = env.int("DJANGO_LOGIN_LOCKOUT_SECONDS", default=15 * 60)
ACCOUNT_RATE_LIMITS = {
    "login_failed": (
        f"{env.int('DJANGO_LOGIN_FAILURES_PER_IP', default=20)}/{LOGIN_LOCKOUT_SECONDS}s/ip,"
        f"{env.int('DJANGO_LOGIN_FAILURES_PER_ACCOUNT', default=5)}/{LOGIN_LOCKOUT_SECONDS}s/key"
    ),
}
# How many proxies in front of the app append to X-Forwarded-For: the client address is the
# one they saw. 0 (dev): the connection's own address.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
# Second factors: an authenticator app (TOTP), passkeys (WebAuthn: a phone, a security key, the
# computer's own), and recovery codes for a lost device. A passkey also signs in on its own,
# without a password (MFA_PASSKEY_LOGIN_ENABLED). Browsers offer passkeys on HTTPS and localhost.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = {{ cookiecutter.project_name | tojson }}
# Staff without an authenticator are sent to enrol one, and the admin is refused until the
# session was confirmed with a code ({{ cookiecutter.project_slug }}/users/middleware.py); the API
# refuses them a session (users/adapter.py). On in prod.
STAFF_REQUIRE_MFA = env.bool("DJANGO_STAFF_REQUIRE_MFA", default=False)

# The accounts API (https://docs.allauth.org/en/latest/headless/): "app" clients send the session
# token of their log-in in X-Session-Token, "browser" clients the session cookie and CSRF token.
# Either one signs in to the project's own API too (REST_FRAMEWORK below). The session token is
# the session's key: one session per log-in, listed and ended like the site's, and ended by a
# password change or reset (Django's session check) and by a change of second factor. allauth's
# session-token strategy, with one read of the session store a request instead of two.
HEADLESS_TOKEN_STRATEGY = "{{ cookiecutter.project_slug }}.users.authentication.SessionTokenStrategy"  # noqa: S105
# allauth's OpenAPI specification at /_allauth/openapi.json, shown beside the project's at
# /api/docs/; no page of its own, which would load its viewer from a CDN.
HEADLESS_SERVE_SPECIFICATION = True
HEADLESS_SPECIFICATION_TEMPLATE_NAME = None
# Sessions (and so API session tokens) live in the cache, written through to the database: a
# token costs one cache read a request, and survives a cache restart.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_AGE_SECONDS", default=14 * 24 * 60 * 60)

# Internationalisation: Django's defaults (LANGUAGE_CODE "en-us", USE_I18N, and USE_TZ: aware
# datetimes, stored in UTC), shown in this time zone.
TIME_ZONE = "{{ cookiecutter.timezone }}"

# Static and media files
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [APPS_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")

# Content Security Policy: https://docs.djangoproject.com/en/6.1/ref/csp/
# Only this site's own files; an inline <script> or <style> runs only with the request's nonce
# (the csp_nonce_attr template tag). Inline style attributes stay allowed: they cannot run code,
# and the browsable API's templates use them.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],  # Swagger UI draws its icons from data: URLs
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Browser features no page here uses. Django's defaults already send Referrer-Policy: same-origin,
# Cross-Origin-Opener-Policy: same-origin, X-Content-Type-Options: nosniff, X-Frame-Options: DENY.
UNUSED_BROWSER_FEATURES = """accelerometer autoplay camera display-capture geolocation gyroscope
    magnetometer microphone midi payment usb"""
PERMISSIONS_POLICY: dict[str, list[str]] = {name: [] for name in UNUSED_BROWSER_FEATURES.split()}

# Admin at a configurable path, so it is not where scanners look first.
ADMIN_URL = env("DJANGO_ADMIN_URL", default="admin/")

# Email: Django 6.1 MAILERS; each environment picks its backend.
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="noreply@{{ cookiecutter.domain_name }}")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Cache: Redis when REDIS_URL is set, otherwise per-process memory. django-redis, not Django's
# own Redis backend, which builds a client for every operation: it keeps one per process (a
# session read costs about 60 % less CPU), and lends it to the throttles (core/throttling.py).
REDIS_URL = env("REDIS_URL", default="")
REDIS_CACHE = {
    "BACKEND": "django_redis.cache.RedisCache",
    "LOCATION": REDIS_URL,
    "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2},  # fail fast when Redis is down
}
CACHES = {
    "default": (
        REDIS_CACHE if REDIS_URL else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
}

# Logging to stdout, where the platform collects it; prod writes one JSON object per line.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{levelname} {asctime} {name} {message}", "style": "{"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # Django's own console handler would print each of its lines a second time in DEBUG: its
    # loggers have no handler of their own here, so every line reaches the root handler once.
    "loggers": {"django": {"handlers": [], "level": "INFO"}},
}

# Django REST framework: the session token first, so anonymous requests get 401 with
# WWW-Authenticate; then the session cookie, for the browser client and the API docs.
REST_FRAMEWORK = {
    # Throttles tell clients apart by the address the lockout counts: DRF's default would read a
    # client's own X-Forwarded-For, so a spoofed header would escape them.
    "NUM_PROXIES": ALLAUTH_TRUSTED_PROXY_COUNT,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "{{ cookiecutter.project_slug }}.users.authentication.SessionTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON in: a form or multipart body gets 415. DRF's other default parsers serve HTML forms,
    # which this API has none of: fewer parsers to attack, no cross-site form post for a browser
    # to send unasked, and one request format in the schema (and for the fuzz tests to cover).
    # DRF's JSON parser, with a body nested too deep answered 400 instead of 500.
    "DEFAULT_PARSER_CLASSES": ["{{ cookiecutter.project_slug }}.core.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_PAGINATION_CLASS": "{{ cookiecutter.project_slug }}.core.pagination.StandardPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        # DRF's throttles, counted in fixed windows: one Redis round trip per request.
        "{{ cookiecutter.project_slug }}.core.throttling.AnonRateThrottle",
        "{{ cookiecutter.project_slug }}.core.throttling.UserRateThrottle",
        "{{ cookiecutter.project_slug }}.core.throttling.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("DJANGO_THROTTLE_ANON", default="60/minute"),
        "user": env("DJANGO_THROTTLE_USER", default="600/minute"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": {{ cookiecutter.project_name | tojson }},
    "DESCRIPTION": {{ cookiecutter.description | tojson }},
    "VERSION": "{{ cookiecutter.version }}",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAdminUser"],  # dev opens them to all
    # Docs assets come from drf-spectacular-sidecar, not a CDN: works offline and under CSP.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}
{%- if cookiecutter.use_celery %}

# Celery: https://docs.celeryq.dev/en/stable/userguide/configuration.html
# Broker and results: CELERY_BROKER_URL, else REDIS_URL. Neither set (dev): tasks run in-process.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="") or REDIS_URL
CELERY_RESULT_BACKEND = CELERY_BROKER_URL
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True  # an in-process task raises its error where it was queued
# Messages and results are JSON only, as by Celery's defaults (accept_content, task_serializer,
# result_serializer): reading one can never run code (pickle can), and any language can read it.
# Results expire after a day (result_expires): they are for whoever waits on them, not an archive.
# A crontab() schedule's hours are those of the project's time zone, as its people read them.
CELERY_TIMEZONE = TIME_ZONE
# A stuck task gets SoftTimeLimitExceeded after 60 s to clean up; its process is killed at 90 s.
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
# Acknowledge a message after its task ran, not before: a worker that dies mid-task loses nothing.
CELERY_TASK_ACKS_LATE = True
# A task whose process died (killed, out of memory) runs again as a retry, so max_retries ends
# the loop of a task that kills its process every time...
CELERY_TASK_RETRY_ON_WORKER_LOST = True
# ...and goes back on the queue if that retry cannot be sent.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A running task that lost its broker connection cannot be acknowledged and will be redelivered:
# stop it, so that it never runs twice at the same time.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# One message at a time per process, so a slow task does not hold others hostage.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Redis redelivers a message not acknowledged within this many seconds: keep it above every
    # time limit and countdown (retries back off up to 10 minutes), or tasks run twice.
    "visibility_timeout": 60 * 60,
    # Fail within seconds, never hang a request or a worker, when Redis is down or unreachable.
    "socket_connect_timeout": 5,
    "socket_timeout": 10,
}
# Keep retrying the broker at start-up instead of crashing while Redis comes up.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Periodic tasks, sent by `celery beat`: run exactly one beat process per deployment.
CELERY_BEAT_SCHEDULE = {
    "delete-expired-sessions": {
        "task": "{{ cookiecutter.project_slug }}.users.tasks.delete_expired_sessions",
        "schedule": timedelta(hours=1),
    },
}
# Where beat notes when it last sent each task: a writable place, even in a read-only container.
CELERY_BEAT_SCHEDULE_FILENAME = env(
    "CELERY_BEAT_SCHEDULE_FILENAME",
    default=str(Path(tempfile.gettempdir()) / "{{ cookiecutter.project_slug }}-celerybeat-schedule"),
)
{%- endif %}

# Your settings: one block per concern, each with a comment on why and a link to its docs. What
# differs per environment goes in dev.py, test.py or prod.py.
