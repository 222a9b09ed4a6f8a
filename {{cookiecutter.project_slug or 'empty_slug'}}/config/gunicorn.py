"""Gunicorn's settings in production: `gunicorn --config python:config.gunicorn config.wsgi`."""

import os

import environ

from config import json_logging

# Each lowercase name is a gunicorn setting (https://gunicorn.org/reference/settings/); the
# numbers come from the environment, so one image fits machines of every size.

# All interfaces: let only the TLS-terminating proxy in front reach this port.
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")

# Sync workers serve one request at a time each; by default one more than the cores, so that a
# core stays busy while a worker waits on the database. On 2 cores shared with PostgreSQL and
# Redis, 3 workers served 10 to 25 % more API reads than 5 did (the template's benchmark):
# extra workers only contend for the same cores. With the database across a network a worker
# waits longer, and more may pay: measure with GUNICORN_WORKERS. os.cpu_count() sees the host's
# cores, not a container's CPU limit, hence the cap: set GUNICORN_WORKERS to the cores given + 1.
workers = int(os.environ.get("GUNICORN_WORKERS") or min((os.cpu_count() or 1) + 1, 8))

# A worker silent this long is killed and replaced: keep it above the slowest honest request.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On shutdown or reload, running requests get this long to finish.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))

# Replace each worker after about this many requests, so slow memory growth stays bounded. At
# 1000 it restarted every few seconds under load; the jitter (half of it) keeps workers that
# started together from restarting together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 2
# Load Django once in the master and fork workers from it: a recycled worker starts in
# milliseconds instead of re-importing everything, which would stall the requests it queues.
preload_app = True

# Workers' heartbeat files; in a container, /dev/shm avoids stalls on an overlay file system.
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or None

# Nothing here uses gunicornc's control socket, which would also need a writable $HOME.
control_socket_disable = True

# Error lines, and access lines when GUNICORN_ACCESS_LOG is true, as JSON on stdout like the
# application's (config/settings/prod.py). Access lines are off by default: the TLS-terminating
# proxy in front already logs each request, with the time gunicorn took, and writing the line
# again here cost about 8 % of a cheap API call's throughput, measured side by side.
# Gunicorn lays this over its own gunicorn.glogging.CONFIG_DEFAULTS, whose root logger writes to
# the handler named "console", here the JSON one. Gunicorn's two loggers are named with no
# handlers, so that its plain-text ones go, and made to propagate (gunicorn turns that off), so
# that each line reaches the root's handler once. With a logconfig_dict gunicorn always hands
# the access logger a line, so the switch is that logger's level.
ACCESS_LOG = environ.Env().bool("GUNICORN_ACCESS_LOG", default=False)
ACCESS_LOGGER = {"propagate": True, "level": "INFO" if ACCESS_LOG else "WARNING"}
logconfig_dict = {
    "formatters": json_logging.FORMATTERS,
    "handlers": json_logging.HANDLERS,
    "loggers": {"gunicorn.error": {"propagate": True}, "gunicorn.access": ACCESS_LOGGER},
}
