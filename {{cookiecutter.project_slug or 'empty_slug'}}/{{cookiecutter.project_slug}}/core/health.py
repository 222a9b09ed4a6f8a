"""Health endpoints for load balancers and orchestrators: no login, no session, never cached."""

import logging
import threading
import time
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
{%- if cookiecutter.use_celery %}

from config.celery import app as celery_app
{%- endif %}

logger = logging.getLogger(__name__)

TIMEOUT = 2.0  # seconds for all checks together: give probes a timeout above it


def check_database() -> None:
    # Each check runs in a thread of its own, and so on a connection of its own (`connection` is
    # the current thread's): close it.
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        connection.close()


def check_cache() -> None:
    key = f"health-check-{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=10)
    if cache.get(key) != "ok":
        raise RuntimeError("the cache did not return the value just stored")
    cache.delete(key)
{%- if cookiecutter.use_celery %}


def check_broker() -> None:
    if celery_app.conf.task_always_eager:  # no broker configured: tasks run in-process
        return
    with celery_app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
{%- endif %}


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
{%- if cookiecutter.use_celery %}
    "broker": check_broker,
{%- endif %}
}


def run_checks(checks: dict[str, Callable[[], None]], timeout: float) -> dict[str, str]:
    """Each check's outcome: "ok", "error" (logged) or "timeout"."""
    # Side by side, each in a daemon thread, so that one that hangs costs no more than `timeout`.
    results: dict[str, str] = {}

    def run(name: str, check: Callable[[], None]) -> None:
        try:
            check()
        except Exception:
            logger.warning("Readiness check %r failed", name, exc_info=True)
            results[name] = "error"
        else:
            results[name] = "ok"

    threads = [threading.Thread(target=run, args=item, daemon=True) for item in checks.items()]
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return {name: results.get(name, "timeout") for name in checks}


# Liveness: the process answers. It checks nothing else, so that an outage of the database does
# not get every web process restarted.
@require_safe
@never_cache
def liveness(request: HttpRequest) -> JsonResponse:  # noqa: ARG001  # every view gets it
    return JsonResponse({"status": "ok"})


# Readiness: 200 when every service in CHECKS answers, 503 otherwise, within TIMEOUT seconds
# whatever state they are in.
@require_safe
@never_cache
def readiness(request: HttpRequest) -> JsonResponse:  # noqa: ARG001  # every view gets it
    checks = run_checks(CHECKS, TIMEOUT)
    ready = all(status == "ok" for status in checks.values())
    body = {"status": "ok" if ready else "unavailable", "checks": checks}
    return JsonResponse(body, status=200 if ready else 503)
