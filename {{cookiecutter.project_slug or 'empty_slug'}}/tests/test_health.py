"""Liveness and readiness: open to anyone, never cached, and quick whatever the services do."""

import threading
import time
from typing import Any

import pytest
from django.db import connection
from django.db.backends.signals import connection_created
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries, Settings

from {{ cookiecutter.project_slug }}.core import health

# Nothing listens on port 1: connecting fails at once, as with a server that is down.
DOWN_REDIS = "redis://127.0.0.1:1/0"


def broken() -> None:
    raise ConnectionError("connection refused")


def hanging() -> None:
    time.sleep(3)  # a server that accepted the connection and never answers


@pytest.mark.django_db
def test_liveness_answers_without_touching_any_service(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(0):
        response = client.get(reverse("health-liveness"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_ready_when_every_service_answers(client: Client) -> None:
    response = client.get(reverse("health-readiness"))

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert set(response.json()["checks"]) == set(health.CHECKS)
    assert set(response.json()["checks"].values()) == {"ok"}


def test_readiness_checks_the_database_and_the_cache() -> None:
    assert {"database", "cache"} <= set(health.CHECKS)


@pytest.mark.django_db
def test_not_ready_when_the_cache_is_down(client: Client, settings: Settings) -> None:
    settings.CACHES = {"default": {**settings.REDIS_CACHE, "LOCATION": DOWN_REDIS}}

    response = client.get(reverse("health-readiness"))

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["cache"] == "error"
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_not_ready_when_the_cache_forgets_what_it_stored(
    client: Client, settings: Settings
) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

    response = client.get(reverse("health-readiness"))

    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "error"


@pytest.mark.django_db
def test_the_database_check_opens_a_connection_of_its_own() -> None:
    opened: list[Any] = []

    def remember(sender: object, connection: Any, **kwargs: object) -> None:
        opened.append(connection)

    connection_created.connect(remember)
    try:
        thread = threading.Thread(target=health.check_database)  # as run_checks runs it
        thread.start()
        thread.join()
    finally:
        connection_created.disconnect(remember)

    assert len(opened) == 1
    assert opened[0] is not connection  # not the one this (the request's) thread uses


def test_not_ready_when_the_database_fails(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(health.CHECKS, "database", broken)

    response = client.get(reverse("health-readiness"))

    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "error"


def test_a_service_that_never_answers_costs_the_probe_no_more_than_the_timeout(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(health, "TIMEOUT", 0.2)
    monkeypatch.setattr(health, "CHECKS", {"database": hanging})

    started = time.monotonic()
    response = client.get(reverse("health-readiness"))

    assert time.monotonic() - started < 1
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "timeout"}


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["health-liveness", "health-readiness"])
def test_health_answers_are_never_cached(client: Client, url_name: str) -> None:
    response = client.head(reverse(url_name))

    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("url_name", ["health-liveness", "health-readiness"])
def test_health_endpoints_only_read(client: Client, url_name: str) -> None:
    assert client.post(reverse(url_name)).status_code == 405
