"""Throttling in fixed windows: the rate per window, 429 with Retry-After, one counter per client.

Each test runs twice: with the counters in Redis (fakeredis, which speaks Redis' commands and
runs its Lua scripts) as in production, and in the process' cache as in development and tests. The
template's integration tests repeat this against a real Redis, from several processes at once.
"""

import math
from collections.abc import Iterator

import fakeredis
import pytest
from django.urls import reverse
from django_redis import get_redis_connection
from pytest_django import Settings
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.core import throttling
from {{ cookiecutter.project_slug }}.users.models import User

ME_URL = reverse("user-me")


class OpenView(APIView):
    """A view anyone may call, as an app may add: the anonymous throttle is what guards it."""

    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:  # noqa: ARG002  # DRF's signature
        return Response({})


def open_view_statuses(count: int) -> list[int]:
    view, factory = OpenView.as_view(), APIRequestFactory()
    return [view(factory.get("/open/")).status_code for _ in range(count)]


WINDOW_START = 1_800_000_000.0  # a multiple of 60 and 3600: a minute and an hour begin here


@pytest.fixture
def redis(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[fakeredis.FakeRedis]:
    """Counters in a Redis of their own, as in production (REDIS_URL set)."""
    server = fakeredis.FakeRedis()
    settings.REDIS_URL = "redis://throttle-tests/0"
    counter = server.register_script(throttling.COUNT_HIT)
    monkeypatch.setattr(throttling, "hit_counter", lambda: counter)
    yield server
    server.flushall()


@pytest.fixture(params=["redis", "process cache"])
def counters(request: pytest.FixtureRequest) -> None:
    """Each test that asks for this runs with the counters in Redis, then in the process cache."""
    if request.param == "redis":
        request.getfixturevalue("redis")


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The throttles' time: tests move it by changing clock[0]."""
    now = [WINDOW_START]
    monkeypatch.setattr(throttling.FixedWindowThrottle, "timer", lambda _self: now[0])
    return now


@pytest.fixture
def three_per_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(throttling.UserRateThrottle.THROTTLE_RATES, "user", "3/minute")


def statuses(client: APIClient, count: int) -> list[int]:
    return [client.get(ME_URL).status_code for _ in range(count)]


@pytest.mark.usefixtures("counters", "three_per_minute")
def test_a_user_gets_the_rate_per_window_then_429(
    user_client: APIClient, clock: list[float]
) -> None:
    clock[0] = WINDOW_START + 45.2

    assert statuses(user_client, 4) == [200, 200, 200, 429]
    refused = user_client.get(ME_URL)
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(math.ceil(60 - 45.2))  # when this window ends


@pytest.mark.usefixtures("counters", "three_per_minute")
def test_the_next_window_starts_afresh(user_client: APIClient, clock: list[float]) -> None:
    clock[0] = WINDOW_START + 59.9
    assert statuses(user_client, 4) == [200, 200, 200, 429]

    clock[0] = WINDOW_START + 60.0
    response = user_client.get(ME_URL)

    assert response.status_code == 200


@pytest.mark.usefixtures("counters", "three_per_minute", "clock")
def test_each_user_has_a_counter_of_their_own(
    user_client: APIClient, other_client: APIClient
) -> None:
    assert statuses(user_client, 4) == [200, 200, 200, 429]

    assert statuses(other_client, 3) == [200, 200, 200]


@pytest.mark.usefixtures("three_per_minute", "clock")
def test_a_redis_counter_expires_with_its_window(
    redis: fakeredis.FakeRedis, user_client: APIClient, user: User
) -> None:
    user_client.get(ME_URL)
    user_client.get(ME_URL)

    key = f"throttle_user_{user.pk}:{int(WINDOW_START // 60)}"
    assert redis.get(key) == b"2"
    assert 0 < redis.ttl(key) <= 60


@pytest.mark.django_db
@pytest.mark.usefixtures("counters")
def test_anonymous_clients_are_counted_by_address(
    clock: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(throttling.AnonRateThrottle.THROTTLE_RATES, "anon", "2/hour")
    clock[0] = WINDOW_START + 600

    codes = open_view_statuses(3)

    assert codes == [200, 200, 429]
    assert OpenView.as_view()(APIRequestFactory().get("/open/"))["Retry-After"] == str(3600 - 600)


@pytest.mark.django_db
@pytest.mark.usefixtures("counters", "clock")
def test_a_rate_of_none_turns_a_throttle_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(throttling.AnonRateThrottle.THROTTLE_RATES, "anon", None)

    codes = open_view_statuses(70)

    assert codes == [200] * 70  # over the default rate (60 a minute), under none


@pytest.fixture
def unreachable_redis_cache(settings: Settings) -> Iterator[None]:
    """The production cache on a Redis that is not there (a client connects on first use), with
    the counter script registered afresh on its client, and forgotten after the test."""
    settings.CACHES = {"default": {**settings.REDIS_CACHE, "LOCATION": "redis://127.0.0.1:1/0"}}
    throttling.hit_counter.cache_clear()
    yield
    throttling.hit_counter.cache_clear()


@pytest.mark.usefixtures("unreachable_redis_cache")
def test_the_counters_share_the_caches_redis_client_that_never_waits_long() -> None:
    counter = throttling.hit_counter()

    assert throttling.hit_counter() is counter
    assert counter.registered_client is get_redis_connection()
    options = counter.registered_client.connection_pool.connection_kwargs
    assert options["socket_timeout"] == options["socket_connect_timeout"] == 2
