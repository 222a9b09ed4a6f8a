"""Effective settings per environment: what Django really uses, not what a file seems to say."""

import json

import pytest
from django.conf import settings

from config import json_logging

from .settings_process import (
    DEV_ENV,
    ENTRY_POINTS,
    INSECURE,
    LOCKOUT_ENV,
    PROD_ENV,
    load_error,
    load_settings,
    prod_process,
)


def test_debug_toolbar_is_absent_from_test_settings() -> None:
    assert "debug_toolbar" not in settings.INSTALLED_APPS
    assert not any("debug_toolbar" in name for name in settings.MIDDLEWARE)


def test_dev_runs_without_services() -> None:
    dev = load_settings("config.settings.dev", DEV_ENV, "DEBUG", "DATABASES", "MAILERS", "CACHES")

    assert dev["DEBUG"] is True
    assert dev["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert dev["DATABASES"]["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert dev["MAILERS"]["default"]["BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert dev["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")


def test_dev_has_the_debug_toolbar() -> None:
    dev = load_settings("config.settings.dev", DEV_ENV, "INSTALLED_APPS", "ROOT_URLCONF")

    assert "debug_toolbar" in dev["INSTALLED_APPS"]
    assert dev["ROOT_URLCONF"] == "config.dev_urls"


def test_dev_reports_the_policy_prod_enforces() -> None:
    dev = load_settings("config.settings.dev", DEV_ENV, "SECURE_CSP", "SECURE_CSP_REPORT_ONLY")
    prod = load_settings("config.settings.prod", PROD_ENV, "SECURE_CSP")

    assert dev["SECURE_CSP"] == {}
    assert dev["SECURE_CSP_REPORT_ONLY"] == prod["SECURE_CSP"]


def test_prod_has_no_debug_toolbar_and_no_debug() -> None:
    prod = load_settings("config.settings.prod", PROD_ENV, "INSTALLED_APPS", "MIDDLEWARE", "DEBUG")

    assert prod["DEBUG"] is False
    assert "debug_toolbar" not in prod["INSTALLED_APPS"]
    assert not any("debug_toolbar" in name for name in prod["MIDDLEWARE"])


def test_prod_uses_the_environment() -> None:
    prod = load_settings(
        "config.settings.prod", PROD_ENV, "ALLOWED_HOSTS", "DATABASES", "CACHES", "ADMIN_URL"
    )

    assert prod["ALLOWED_HOSTS"] == ["{{ cookiecutter.domain_name }}"]
    assert prod["DATABASES"]["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert prod["DATABASES"]["default"]["CONN_HEALTH_CHECKS"] is False
    assert prod["CACHES"]["default"]["LOCATION"] == PROD_ENV["REDIS_URL"]
    assert prod["ADMIN_URL"] == "staff-area/"


def test_prod_is_secure() -> None:
    prod = load_settings(
        "config.settings.prod",
        PROD_ENV,
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_NAME",
        "CSRF_COOKIE_SECURE",
        "PASSWORD_HASHERS",
        "STORAGES",
        "MAILERS",
    )

    assert prod["SECURE_SSL_REDIRECT"] is True
    assert prod["SECURE_HSTS_SECONDS"] >= 365 * 24 * 60 * 60
    assert prod["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert prod["SESSION_COOKIE_SECURE"] is True
    assert prod["SESSION_COOKIE_NAME"].startswith("__Secure-")
    assert prod["CSRF_COOKIE_SECURE"] is True
    assert prod["PASSWORD_HASHERS"][0].endswith("Argon2PasswordHasher")
    assert "whitenoise" in prod["STORAGES"]["staticfiles"]["BACKEND"]
    assert prod["MAILERS"]["default"]["BACKEND"].endswith("smtp.EmailBackend")
    assert prod["MAILERS"]["default"]["OPTIONS"]["use_tls"] is True


def test_prod_sends_https_only_cookies_and_headers() -> None:
    prod = load_settings(
        "config.settings.prod",
        PROD_ENV,
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_REDIRECT_EXEMPT",
        "SECURE_HSTS_PRELOAD",
        "CSRF_COOKIE_NAME",
        "CSRF_COOKIE_HTTPONLY",
        "SESSION_COOKIE_HTTPONLY",
        "X_FRAME_OPTIONS",
        "SECURE_REFERRER_POLICY",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "PERMISSIONS_POLICY",
        "ALLOWED_HOSTS",
    )

    assert prod["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert prod["SECURE_REDIRECT_EXEMPT"] == [r"^health/"]
    assert prod["SECURE_HSTS_PRELOAD"] is False
    assert prod["CSRF_COOKIE_NAME"].startswith("__Secure-")
    assert prod["CSRF_COOKIE_HTTPONLY"] is True
    assert prod["SESSION_COOKIE_HTTPONLY"] is True
    assert prod["X_FRAME_OPTIONS"] == "DENY"
    assert prod["SECURE_REFERRER_POLICY"] == "same-origin"
    assert prod["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    assert prod["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert prod["PERMISSIONS_POLICY"]["camera"] == []
    assert "*" not in prod["ALLOWED_HOSTS"]


def test_prod_hashes_passwords_with_argon2_and_validates_them() -> None:
    prod = load_settings(
        "config.settings.prod", PROD_ENV, "PASSWORD_HASHERS", "AUTH_PASSWORD_VALIDATORS"
    )

    assert prod["PASSWORD_HASHERS"][0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    validators = [entry["NAME"].rsplit(".", 1)[1] for entry in prod["AUTH_PASSWORD_VALIDATORS"]]
    assert validators == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
        "MaximumLengthValidator",
    ]


def test_prod_enforces_a_strict_content_security_policy() -> None:
    prod = load_settings(
        "config.settings.prod", PROD_ENV, "SECURE_CSP", "SECURE_CSP_REPORT_ONLY", "TEMPLATES"
    )

    policy = prod["SECURE_CSP"]
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert "<CSP_NONCE_SENTINEL>" in policy["script-src"]
    assert policy["object-src"] == ["'none'"]
    assert prod["SECURE_CSP_REPORT_ONLY"] == {}
    processors = prod["TEMPLATES"][0]["OPTIONS"]["context_processors"]
    assert "django.template.context_processors.csp" in processors


def test_prod_hsts_preload_is_an_explicit_opt_in() -> None:
    env = {**PROD_ENV, "DJANGO_HSTS_PRELOAD": "true"}

    prod = load_settings(
        "config.settings.prod", env, "SECURE_HSTS_PRELOAD", "SILENCED_SYSTEM_CHECKS"
    )

    assert prod == {"SECURE_HSTS_PRELOAD": True, "SILENCED_SYSTEM_CHECKS": []}


def test_prod_stores_uploads_on_disk_unless_told_otherwise() -> None:
    default = load_settings("config.settings.prod", PROD_ENV, "STORAGES")["STORAGES"]
    env = {
        **PROD_ENV,
        "DJANGO_MEDIA_STORAGE": "django.core.files.storage.InMemoryStorage",
        "DJANGO_MEDIA_STORAGE_OPTIONS": '{"base_url": "/uploads/"}',
    }
    configured = load_settings("config.settings.prod", env, "STORAGES")["STORAGES"]

    assert default["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert configured["default"] == {
        "BACKEND": "django.core.files.storage.InMemoryStorage",
        "OPTIONS": {"base_url": "/uploads/"},
    }
    assert configured["staticfiles"] == default["staticfiles"]
    assert default["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


def test_prod_logs_one_json_object_per_line_to_stdout() -> None:
    lines = prod_process().stdout.splitlines()

    record = json.loads(next(line for line in lines if "sold 3" in line))
    assert record["message"] == "sold 3"
    assert record["level"] == "WARNING"
    assert record["logger"] == "shop"
    assert "time" in record


@pytest.mark.parametrize("variable", sorted(PROD_ENV))
def test_prod_refuses_to_start_without(variable: str) -> None:
    env = {name: value for name, value in PROD_ENV.items() if name != variable}

    assert variable in load_error("config.settings.prod", env)


@pytest.mark.parametrize(("variable", "value"), INSECURE)
def test_prod_refuses_insecure(variable: str, value: str) -> None:
    spoiled = {**PROD_ENV, variable: value}

    assert variable in load_error("config.settings.prod", spoiled)


def test_prod_passes_the_deploy_checklist() -> None:
    assert "System check identified no issues" in prod_process().stdout


def test_server_and_worker_entry_points_load_prod_unless_told_otherwise() -> None:
    last_line = prod_process().stdout.splitlines()[-1]

    assert json.loads(last_line) == [
        "config.settings.prod",
        False,
        dict.fromkeys(ENTRY_POINTS, "config.settings.prod"),
    ]


def test_prod_and_gunicorn_log_the_same_json_lines() -> None:
    prod = load_settings("config.settings.prod", PROD_ENV, "LOGGING")

    assert prod["LOGGING"]["formatters"] == json_logging.FORMATTERS
    assert prod["LOGGING"]["handlers"] == json_logging.HANDLERS


def test_prod_requires_mfa_for_staff_and_counts_clients_behind_the_proxy() -> None:
    names = ("STAFF_REQUIRE_MFA", "ALLAUTH_TRUSTED_PROXY_COUNT", "ACCOUNT_RATE_LIMITS")
    prod = load_settings("config.settings.prod", PROD_ENV, *names, "REST_FRAMEWORK")
    dev = load_settings("config.settings.dev", DEV_ENV, *names, "REST_FRAMEWORK")

    assert prod["STAFF_REQUIRE_MFA"] is True
    assert dev["STAFF_REQUIRE_MFA"] is False
    assert prod["ALLAUTH_TRUSTED_PROXY_COUNT"] == 1
    assert dev["ALLAUTH_TRUSTED_PROXY_COUNT"] == 0
    # The API throttles count the same client address as the lockout.
    assert prod["REST_FRAMEWORK"]["NUM_PROXIES"] == 1
    assert dev["REST_FRAMEWORK"]["NUM_PROXIES"] == 0
    assert prod["ACCOUNT_RATE_LIMITS"] == {"login_failed": "20/900s/ip,5/900s/key"}


def test_lockout_limits_come_from_the_environment() -> None:
    names = ("ACCOUNT_RATE_LIMITS", "LOGIN_LOCKOUT_SECONDS", "STAFF_REQUIRE_MFA")
    prod = load_settings("config.settings.prod", {**PROD_ENV, **LOCKOUT_ENV}, *names)

    assert prod["ACCOUNT_RATE_LIMITS"] == {"login_failed": "50/60s/ip,3/60s/key"}
    assert prod["LOGIN_LOCKOUT_SECONDS"] == 60
    assert prod["STAFF_REQUIRE_MFA"] is False
