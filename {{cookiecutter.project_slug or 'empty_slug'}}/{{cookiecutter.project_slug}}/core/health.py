"""Health endpoints for load balancers and orchestrators: no login, no session, never cached.

/health/        liveness: the process answers. It checks nothing else, so that an outage of the
                database does not get every web process restarted.
/health/ready/  readiness: the database, the cache{% if cookiecutter.use_celery %} and the Celery broker{% endif %} answer. 200 when all
                do, 503 otherwise, within TIMEOUT seconds whatever state they are in.
"""

import logging
import threading
import time
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
{%- if cookiecutter.use_celery %}

from config.celery import app as celery_app
{%- endif %}

logger = logging.getLogger(__name__)

TIMEOUT = 2.0  # seconds for all checks together: give probes a timeout above it


def check_database() -> None:
    """`SELECT 1` on a connection of its own, then close it: no probe leaves one behind.

    Each check runs in a thread of its own (run_checks), and Django gives each thread its own
    connection: this one is not the one a request in this process is using.
    """
    connection = connections[DEFAULT_DB_ALIAS]
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
    """Connect to the Celery broker once, or raise; none to check if tasks run in-process."""
    if celery_app.conf.task_always_eager:
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
    """Run the checks side by side: "ok", "error" (logged), or "timeout" if not done in time.

    Each runs in a daemon thread of its own, so one that hangs (a server that accepts the
    connection and never answers) costs the response no more than `timeout`.
    """
    results: dict[str, str] = {}

    def run(name: str, check: Callable[[], None]) -> None:
        try:
            check()
        except Exception:
            logger.warning("Readiness check %r failed", name, exc_info=True)
            results[name] = "error"
        else:
            results[name] = "ok"

    threads = [
        threading.Thread(target=run, args=(name, check), name=f"health-{name}", daemon=True)
        for name, check in checks.items()
    ]
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return {name: results.get(name, "timeout") for name in checks}


@require_safe
@never_cache
def liveness(request: HttpRequest) -> JsonResponse:  # noqa: ARG001  # every view gets it
    return JsonResponse({"status": "ok"})


@require_safe
@never_cache
def readiness(request: HttpRequest) -> JsonResponse:  # noqa: ARG001  # every view gets it
    checks = run_checks(CHECKS, TIMEOUT)
    ready = all(status == "ok" for status in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )
