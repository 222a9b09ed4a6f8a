"""Two of everything on one machine: a bake with `use_kubernetes=yes`, installed for production
without its dev dependencies, runs two web processes, two Celery workers and beat against one
PostgreSQL, Redis and mail server on 127.0.0.1, as its Kubernetes manifests run them.

Each process runs its container's command from the manifests, with the ConfigMap's values and a
value for each key of the Secret (secrets.example.env) as its environment, and nothing else the
project reads: so the manifests' commands and configuration are enough for production to start.
Then: a session begun on one web process holds on the other; a throttle counted on one holds on
the other; and under a steady stream of requests and queued tasks, a web process and a worker
killed with SIGKILL lose no acknowledged request and no task, and every task has its effect
exactly once. Every process is stopped at the end; every wait is bounded.
"""

import http.client
import itertools
import json
import os
import re
import secrets
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import yaml

from tests.conftest import Bake, EnvironmentFor
from tests.deployed import WAIT, Deployment, Reply, deployment, request, wait_until
from tests.runner import tail
from tests.services import free_port

pytestmark = pytest.mark.integration

SLUG = "my_service"
NAME = "my-service"  # as the manifests name things
PASSWORD = secrets.token_urlsafe(16)
USERS = 20  # new users, each queuing one welcome email, during the stream
HELD = 8  # the user whose email a worker is sending when it is killed


def container_command(project: Path, manifest: str) -> list[str]:
    """The command of a workload's main container, as the manifest says."""
    document = yaml.safe_load((project / "k8s" / "base" / manifest).read_text())
    spec = document["spec"]["template"]["spec"]
    command: list[str] = spec["containers"][0]["command"]
    return command


def init_command(project: Path, manifest: str) -> list[str]:
    document = yaml.safe_load((project / "k8s" / "base" / manifest).read_text())
    [init] = document["spec"]["template"]["spec"]["initContainers"]
    command: list[str] = init["command"]
    return command


# --- HTTP as the load balancer in front would send it ------------------------------------------


LOGIN = "/_allauth/app/v1/auth/login"


def post_json(port: int, path: str, data: dict[str, Any], token: str | None = None) -> Reply:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["X-Session-Token"] = token  # allauth's session token
    return request(port, path, method="POST", body=json.dumps(data), headers=headers)


class FormInputs(HTMLParser):
    """The named inputs of a page's forms: {name: (type, value)}."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: dict[str, tuple[str, str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "input" and attributes.get("name"):
            kind, value = attributes.get("type") or "text", attributes.get("value") or ""
            self.inputs[str(attributes["name"])] = (kind, value)


def sign_in(port: int, login: str, password: str) -> str:
    """Fill in the site's login form as a browser would; return the session cookie."""
    page = request(port, "/accounts/login/")
    assert page.status == 200, page.body[:2000]
    parser = FormInputs()
    parser.feed(page.body)
    form = {}
    for name, (kind, value) in parser.inputs.items():
        if kind == "password":
            form[name] = password
        elif kind in {"text", "email"}:
            form[name] = login
        elif kind == "hidden":
            form[name] = value
    csrf_cookie = page.cookies()["__Secure-csrftoken"].value
    reply = request(
        port,
        "/accounts/login/",
        method="POST",
        body=urlencode(form),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"__Secure-csrftoken={csrf_cookie}",
            "Origin": "https://example.com",
        },
    )
    assert reply.status == 302, reply.body[:2000]
    return reply.cookies()["__Secure-sessionid"].value


# --- The installed project, as the manifests run it ---------------------------------------------


@dataclass
class Cluster:
    """The deployment, and the processes the manifests start from it."""

    deployment: Deployment
    webs: dict[int, subprocess.Popen[bytes]] = field(default_factory=dict)  # by port
    workers: dict[str, tuple[subprocess.Popen[bytes], Path]] = field(default_factory=dict)
    token: str = ""  # an API session token of stream@example.com

    @property
    def project(self) -> Path:
        return self.deployment.project

    def run(self, command: list[str], **env: str) -> subprocess.CompletedProcess[str]:
        ran = self.deployment.run(command, **env)
        returncode = -1 if ran.returncode is None else ran.returncode  # None: timed out
        return subprocess.CompletedProcess(command, returncode, ran.output)


@pytest.fixture(scope="module")
def cluster(
    shared_bake: Bake, bake_env: dict[str, str], environment_for: EnvironmentFor
) -> Iterator[Cluster]:
    project = shared_bake(use_kubernetes=True)
    config = yaml.safe_load((project / "k8s" / "base" / "configmap.yaml").read_text())["data"]
    secret_keys = [
        line.partition("=")[0]
        for line in (project / "k8s" / "base" / "secrets.example.env").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    # The image's environment (Dockerfile), the Secret's values and the ConfigMap's, no more.
    uv_environment = environment_for(project, production=True)
    with deployment(project, bake_env, uv_environment, **config) as deployed:
        assert sorted(deployed.secrets) == sorted(secret_keys)
        yield Cluster(deployed)


@pytest.fixture(scope="module")
def running(cluster: Cluster) -> Cluster:
    """Built and migrated as the image and the release's Job do it, then two web processes, two
    workers and beat."""
    project, deployed = cluster.project, cluster.deployment
    # What the image's build does (Dockerfile): the hashed static files for WhiteNoise.
    collect = cluster.run(["python", "manage.py", "collectstatic", "--no-input"])
    assert collect.returncode == 0, collect.stdout[-3000:]
    check = cluster.run(["python", "manage.py", "migrate", "--check"])
    assert check.returncode != 0, "migrate --check passed before any migration"
    migrate = yaml.safe_load((project / "k8s" / "base" / "migrate.yaml").read_text())
    job = migrate["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    assert cluster.run(job["command"]).returncode == 0, "the migration Job failed"
    # The init container that new pods wait in: it lets them start now.
    assert cluster.run(init_command(project, "web.yaml")).returncode == 0

    web = container_command(project, "web.yaml")
    worker = container_command(project, "worker.yaml")
    beat = container_command(project, "beat.yaml")
    # Workers and beat on production settings with two waits shortened (tests/deployed.py): a
    # dead worker's task is redelivered after 5 s, not an hour, and beat sends the hourly
    # housekeeping every second.
    shortened = {"DJANGO_SETTINGS_MODULE": "shortened_settings"}
    for name in ("web-a", "web-b"):
        port = free_port()
        cluster.webs[port] = deployed.start(name, web, GUNICORN_BIND=f"127.0.0.1:{port}")
    for name in ("worker-a", "worker-b"):
        # One task at a time each: a worker killed mid-task is in the middle of that task only.
        command = [*worker, "--concurrency", "1", "--hostname", f"celery@{name}"]
        process = deployed.start(name, command, **shortened)
        cluster.workers[name] = (process, deployed.logs / f"{name}.log")
    beat[beat.index("--schedule") + 1] = str(deployed.logs / "celerybeat-schedule")
    deployed.start("beat", beat, **shortened)

    for (port, process), name in zip(cluster.webs.items(), ("web-a", "web-b"), strict=True):
        deployed.wait_for_web(process, port, name)
    for name, (process, _) in cluster.workers.items():
        deployed.wait_for_worker(process, name)
    # A session token for the stream of requests, before the throttle test locks the log-in.
    deployed.python(
        f"from {SLUG}.users.models import User\n"
        f"for email in ['session@example.com', 'stream@example.com']:\n"
        f"    User.objects.create_user(email=email, password={PASSWORD!r})"
    )
    credentials = {"email": "stream@example.com", "password": PASSWORD}
    cluster.token = json.loads(post_json(next(iter(cluster.webs)), LOGIN, credentials).body)[
        "meta"
    ]["session_token"]
    return cluster


# --- The tests ---------------------------------------------------------------------------------


def test_web_processes_and_workers_answer_the_manifests_probes(running: Cluster) -> None:
    web = yaml.safe_load((running.project / "k8s" / "base" / "web.yaml").read_text())
    container = web["spec"]["template"]["spec"]["containers"][0]
    worker = yaml.safe_load((running.project / "k8s" / "base" / "worker.yaml").read_text())
    worker_probe = worker["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]

    for probe in ("readinessProbe", "livenessProbe"):
        get = container[probe]["httpGet"]
        [host] = [h["value"] for h in get["httpHeaders"] if h["name"] == "Host"]
        for port in list(running.webs):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", get["path"], headers={"Host": host})  # plain HTTP
            assert connection.getresponse().status == 200, (probe, port)
            connection.close()
    # In a pod, HOSTNAME is the pod's name, which names its worker celery@<pod name>.
    ping = running.run(worker_probe["exec"]["command"], HOSTNAME="worker-a")
    assert ping.returncode == 0, ping.stdout[-3000:]


def test_a_rolled_back_release_starts_on_the_newer_schema(running: Cluster) -> None:
    """The wait-for-migrations step waits only for migrations not yet applied: after a release
    migrated further, the previous release's pods (which know fewer migrations) still start."""
    newer = "from django.db.migrations.recorder import MigrationRecorder as R\n"
    running.deployment.python(
        f"{newer}R.Migration.objects.create(app='users', name='9999_next_release')"
    )
    try:
        ran = running.run(init_command(running.project, "web.yaml"))
    finally:
        running.deployment.python(
            f"{newer}R.Migration.objects.filter(name='9999_next_release').delete()"
        )

    assert ran.returncode == 0, ran.stdout[-3000:]


def test_a_session_begun_on_one_web_process_holds_on_the_other(running: Cluster) -> None:
    first, second = list(running.webs)
    session = sign_in(first, "session@example.com", PASSWORD)
    me = request(second, "/api/users/me/", headers={"Cookie": f"__Secure-sessionid={session}"})

    assert me.status == 200, me.body[:2000]
    assert json.loads(me.body)["email"] == "session@example.com"
    anonymous = request(second, "/api/users/me/")
    assert anonymous.status in {401, 403}


def test_a_throttle_counted_on_one_web_process_holds_on_the_other(running: Cluster) -> None:
    """Bad requests to allauth's API log-in of one process until its rate limit answers, then one
    to the other: limited too. Were each process counting on its own, the other would answer 400.

    No password in them, so that no request spends time hashing one.
    """
    first, second = list(running.webs)
    wrong = {"email": "nobody@example.com"}

    statuses = []
    while len(statuses) < 200 and 429 not in statuses:
        statuses.append(post_json(first, LOGIN, wrong).status)

    assert statuses[-1] == 429, statuses
    assert set(statuses[:-1]) <= {400, 401}, statuses
    assert post_json(second, LOGIN, wrong).status == 429


@dataclass
class Stream:
    """Requests that each create a project, sent in turn to each web process, in a thread."""

    ports: list[int]
    token: str
    sent: list[tuple[str, int, float, int | None]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        for number in itertools.count():
            if self.stop.is_set():
                return
            port, name = self.ports[number % 2], f"stream-{number}"
            sent_at = time.monotonic()
            try:
                status: int | None = post_json(
                    port, "/api/projects/", {"name": name}, self.token
                ).status
            except OSError:  # refused or cut: never acknowledged
                status = None
            self.sent.append((name, port, sent_at, status))
            time.sleep(0.1)  # some 8 a second: far below the throttle of a signed-in user

    def acknowledged(self) -> set[str]:
        return {name for name, _, _, status in self.sent if status is not None and status < 300}


# Run in the process that queues the tasks: it prints the id of each task it sends.
QUEUE_TASKS = """\
import time
from celery import signals
from {slug}.users.models import User
from {slug}.users.services import welcome_new_user

def published(headers=None, **kwargs):
    print("PUBLISHED", headers["id"], headers["argsrepr"], flush=True)

signals.after_task_publish.connect(published, weak=False)
for address in {addresses!r}:
    user = User.objects.create_user(email=address)  # no password: nothing to hash
    welcome_new_user(user)  # as the admin does when it adds a user
    print("USER", address, user.pk, flush=True)
    time.sleep(0.15)
"""


def task_for(queue_log: Path, address: str) -> str | None:
    """The id of the welcome email task queued for the user with this address, once known."""
    text = queue_log.read_text()
    user = re.search(rf"^USER {re.escape(address)} (\d+)$", text, re.MULTILINE)
    key = re.escape(f"'welcome-email:{user[1]}')") if user else ""
    task = user and re.search(rf"^PUBLISHED (\S+) .*{key}$", text, re.MULTILINE)
    return task[1] if task else None


def first_to_receive(cluster: Cluster, task_id: str) -> str | None:
    """The worker that received this task first (a later one would have it redelivered)."""
    received = re.compile(rf'"time": "([^"]+)".*send_email\[{task_id}\] received')
    times = {
        name: found[1]
        for name, (_, log) in cluster.workers.items()
        if (found := received.search(log.read_text()))
    }
    return min(times, key=times.__getitem__) if times else None


def after_kill(stream: Stream, port: int, killed_at: float) -> list[int | None]:
    """The statuses of the requests sent to `port` after the kills."""
    return [status for _, to, at, status in list(stream.sent) if at > killed_at and to == port]


def test_killing_a_web_process_and_a_worker_loses_no_request_and_no_task(
    running: Cluster,
) -> None:
    first, second = running.webs
    addresses = [f"user{number}@example.com" for number in range(USERS)]
    # The sender of this user's email is caught mid-send, never acknowledged.
    running.deployment.mail.hold(addresses[HELD])
    stream = Stream([first, second], running.token)
    thread = threading.Thread(target=stream.run, name="request-stream", daemon=True)
    thread.start()
    # New users, each queuing its welcome email as its transaction commits, a few per second.
    code = QUEUE_TASKS.format(slug=SLUG, addresses=addresses)
    queuing = running.deployment.start(
        "queue-tasks", ["python", str(running.deployment.logs / "helpers" / "drive.py"), code]
    )
    queue_log = running.deployment.logs / "queue-tasks.log"
    try:
        assert running.deployment.mail.holding.wait(WAIT), tail(queue_log)
        held_task = wait_until(
            lambda: task_for(queue_log, addresses[HELD]), "no held task id", queue_log
        )
        victim = wait_until(
            lambda: first_to_receive(running, held_task), "no worker received the held task"
        )
        os.killpg(running.workers[victim][0].pid, signal.SIGKILL)  # no goodbye to the broker
        os.killpg(running.webs[first].pid, signal.SIGKILL)
        killed_at = time.monotonic()
        assert queuing.wait(WAIT) == 0, tail(queue_log)
        # The stream goes on against the survivor for a while.
        wait_until(
            lambda: len(after_kill(stream, second, killed_at)) >= 10, "no requests after the kill"
        )
    finally:
        stream.stop.set()
        thread.join(15)

    # Every task had its effect exactly once, the held one too (redelivered to the survivor).
    survivor_log = next(log for name, (_, log) in running.workers.items() if name != victim)
    wait_until(
        lambda: all(running.deployment.mail.delivered_to(address) for address in addresses),
        "not every welcome email was delivered",
        survivor_log,
    )
    delivered = {address: running.deployment.mail.delivered_to(address) for address in addresses}
    assert delivered == dict.fromkeys(addresses, 1)
    assert f"send_email[{held_task}] succeeded" in survivor_log.read_text()
    # Every acknowledged request's effect is there.
    stored = set(
        running.deployment.python(
            f"from {SLUG}.projects.models import Project\n"
            "result = list(Project.objects.filter(name__startswith='stream-')"
            ".values_list('name', flat=True))"
        )
    )
    assert stream.acknowledged() - stored == set()
    # Both served before the kills; the survivor served every request after them.
    before = {port for _, port, at, status in stream.sent if at < killed_at and status == 201}
    after = after_kill(stream, second, killed_at)
    assert before == {first, second}
    assert set(after) == {201}, after
    # Beat kept sending the housekeeping task, which the workers ran.
    done = re.compile(r"delete_expired_sessions\[[0-9a-f-]{36}\] succeeded")
    assert any(done.search(log.read_text()) for _, log in running.workers.values())
