"""Fixtures for every test: API clients and users in the roles the API distinguishes.

pytest-xdist's controller loads this file too, and runs no test; the workers start only once it
is ready. So DRF's test client and the factories are imported where first used, not here: that
would delay every run by a third of a second.
"""

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from django.core.cache import cache

if TYPE_CHECKING:
    from rest_framework.test import APIClient

    from {{ cookiecutter.project_slug }}.users.models import User


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    """Throttling counts requests in the cache: start every test from zero."""
    cache.clear()
    yield
    cache.clear()


def _client(user: "User | None" = None) -> "APIClient":
    from rest_framework.test import APIClient  # noqa: PLC0415  # see the docstring

    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _user(*, is_staff: bool = False) -> "User":
    from {{ cookiecutter.project_slug }}.users.tests.factories import UserFactory  # noqa: PLC0415

    return UserFactory.create(is_staff=is_staff)


@pytest.fixture
def api_client() -> "APIClient":
    return _client()


@pytest.fixture
def user(db: None) -> "User":
    return _user()


@pytest.fixture
def other_user(db: None) -> "User":
    return _user()


@pytest.fixture
def staff_user(db: None) -> "User":
    return _user(is_staff=True)


@pytest.fixture
def user_client(user: "User") -> "APIClient":
    return _client(user)


@pytest.fixture
def other_client(other_user: "User") -> "APIClient":
    return _client(other_user)


@pytest.fixture
def staff_client(staff_user: "User") -> "APIClient":
    return _client(staff_user)
