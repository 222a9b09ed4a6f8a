"""Sentry in prod: off without SENTRY_DSN; with it, errors are reported without personal data."""

import json
from typing import Any

from .settings_process import PROD_ENV, run

DSN = "https://public-key@sentry.example.com/1"

_SENTRY_CLIENT = """
import json, django, sentry_sdk
django.setup()
client = sentry_sdk.get_client()
print(json.dumps({
    "active": client.is_active(),
    "options": {name: client.options[name] for name in ("dsn", "send_default_pii", "environment")},
    "integrations": sorted(getattr(client, "integrations", {})),
}))
"""


def sentry_client(env: dict[str, str]) -> dict[str, Any]:
    """What the Sentry client looks like once prod settings have loaded."""
    result = run(["-c", _SENTRY_CLIENT], "config.settings.prod", env)
    assert result.returncode == 0, result.stderr
    client: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    return client


def test_sentry_is_off_without_a_dsn() -> None:
    assert sentry_client(PROD_ENV)["active"] is False


def test_sentry_reports_django_errors_without_personal_data() -> None:
    client = sentry_client({**PROD_ENV, "SENTRY_DSN": DSN})

    assert client["active"] is True
    assert client["options"] == {"dsn": DSN, "send_default_pii": False, "environment": "production"}
    assert "django" in client["integrations"]


def test_sentry_sends_personal_data_only_when_told_to() -> None:
    env = {**PROD_ENV, "SENTRY_DSN": DSN, "SENTRY_SEND_DEFAULT_PII": "true"}

    assert sentry_client(env)["options"]["send_default_pii"] is True
