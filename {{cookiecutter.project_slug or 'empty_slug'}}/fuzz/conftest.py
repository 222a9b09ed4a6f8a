"""The fuzz tests run on Schemathesis' and Hypothesis' pytest plugins, which the quick loop leaves
unloaded. The Schemathesis tests sign in with a session token (`token`, `staff_token`)."""

import pytest
from pytest_django import Settings

from {{ cookiecutter.project_slug }}.users.models import User
from {{ cookiecutter.project_slug }}.users.tests.accounts import signed_in_app

PLUGINS = ("schemathesis", "hypothesispytest")


def pytest_configure(config: pytest.Config) -> None:
    if not all(config.pluginmanager.has_plugin(name) for name in PLUGINS):
        message = "fuzz/ needs two pytest plugins: run `make fuzz`, or add " + " ".join(
            f"-p {name}" for name in PLUGINS
        )
        raise pytest.UsageError(message)


@pytest.fixture
def token(user: User) -> str:
    """An allauth session token, as a mobile app holds after logging in."""
    return str(signed_in_app(user).token)


@pytest.fixture
def staff_token(staff_user: User) -> str:
    return str(signed_in_app(staff_user).token)


@pytest.fixture(autouse=True)
def no_rate_limits(settings: Settings) -> None:
    """allauth's rate limits off: after a few calls every answer would be their 429, and the
    generated input would never reach the endpoint. Their own tests prove the limits."""
    settings.ACCOUNT_RATE_LIMITS = False
