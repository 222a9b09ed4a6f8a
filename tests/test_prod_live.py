"""A default bake deployed as its README's Deploy section says, against real services.

Production dependencies only (`uv sync --locked --no-dev`), PostgreSQL and Redis on 127.0.0.1,
the deploy check, migrate, collectstatic, then gunicorn with the project's own configuration.
Requests come as a TLS-terminating proxy sends them (X-Forwarded-Proto: https), and the security
headers, cookies, static files and logs are checked on the live responses.
"""

import json
import re
import secrets
import select
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.conftest import Bake, EnvironmentFor
from tests.deployed import HOST, Reply, Server, deployed, fresh_totp_code

pytestmark = pytest.mark.integration

USER_RATE = 20
APP_API = "/_allauth/app/v1"
JSON = {"Content-Type": "application/json", "Accept": "application/json"}


@pytest.fixture(scope="module")
def server(
    shared_bake: Bake, bake_env: dict[str, str], environment_for: EnvironmentFor
) -> Iterator[Server]:
    """The default bake, installed and started as its README's Deploy section says, with a
    worker that sends its emails to the deployment's mail server. Each user may make USER_RATE
    API requests a minute (the throttle test below reaches it); gunicorn logs every request."""
    project = shared_bake()
    uv_environment = environment_for(project, production=True)
    settings = {"DJANGO_THROTTLE_USER": f"{USER_RATE}/minute", "GUNICORN_ACCESS_LOG": "true"}
    with deployed(project, bake_env, uv_environment, **settings) as running:
        yield running


def assert_security_headers(reply: Reply) -> None:
    assert reply.header("Strict-Transport-Security") == "max-age=31536000; includeSubDomains"
    assert reply.header("X-Content-Type-Options") == "nosniff"
    assert reply.header("X-Frame-Options") == "DENY"
    assert reply.header("Referrer-Policy") == "same-origin"
    assert reply.header("Cross-Origin-Opener-Policy") == "same-origin"
    assert "camera=()" in reply.header("Permissions-Policy")
    policy = {
        directive.split()[0]: directive.split()[1:]
        for directive in reply.header("Content-Security-Policy").split(";")
    }
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]


def post_form(server: Server, path: str, form: dict[str, str], cookies: dict[str, str]) -> Reply:
    """Fill in the form at `path` as a browser does: its CSRF token, the cookies so far."""
    cookie_header = "; ".join(f"{name}={value}" for name, value in cookies.items())
    page = server.request(path, headers={"Cookie": cookie_header})
    cookies |= {name: morsel.value for name, morsel in page.cookies().items()}
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    assert token, page.body
    reply = server.request(
        path,
        method="POST",
        body=urlencode(form | {"csrfmiddlewaretoken": token[1]}),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()),
            "Origin": f"https://{HOST}",
        },
    )
    cookies |= {name: morsel.value for name, morsel in reply.cookies().items()}
    return reply


def log_in(server: Server, code: str = "") -> str:
    """Log the superuser in (password, then a code: prod requires MFA for staff); return the
    session cookie's value. Without `code`, a recovery code."""
    cookies: dict[str, str] = {}
    credentials = {"login": server.superuser[0], "password": server.superuser[1]}
    asked = post_form(server, "/accounts/login/", credentials, cookies)
    assert asked.status == 302, asked.body[:2000]
    assert asked.header("Location") == "/accounts/2fa/authenticate/"
    second_factor = {"code": code or server.recovery_code()}
    reply = post_form(server, asked.header("Location"), second_factor, cookies)
    assert reply.status == 302, reply.body[:2000]
    session = reply.cookies()["__Secure-sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    return session.value


def test_html_page_carries_every_security_header(server: Server) -> None:
    reply = server.request("/")

    assert reply.status == 200
    assert reply.header("Content-Type").startswith("text/html")
    assert_security_headers(reply)
    # The site's scripts and styles are files: no inline code, so the policy allows no nonce.
    assert "'nonce-" not in reply.header("Content-Security-Policy")


def test_admin_login_is_the_site_login_with_secure_cookies(server: Server) -> None:
    admin = server.request(f"{server.admin_path}login/")
    assert admin.status == 302
    assert admin.header("Location").startswith("/accounts/login/?next=")

    reply = server.request(admin.header("Location"))

    assert reply.status == 200
    assert_security_headers(reply)
    assert "'nonce-" not in reply.header("Content-Security-Policy")
    cookie = reply.cookies()["__Secure-csrftoken"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert server.request("/admin/").status == 404


def test_api_response_carries_every_security_header(server: Server) -> None:
    reply = server.request("/api/", headers={"Accept": "application/json"})

    assert reply.status == 401
    assert reply.header("Content-Type") == "application/json"
    assert_security_headers(reply)


def test_plain_http_is_redirected_to_https(server: Server) -> None:
    reply = server.request("/", https=False)

    assert reply.status == 301
    assert reply.header("Location") == f"https://{HOST}/"
    assert reply.header("X-Content-Type-Options") == "nosniff"
    assert reply.header("Referrer-Policy") == "same-origin"
    assert reply.header("Cross-Origin-Opener-Policy") == "same-origin"
    # Browsers ignore HSTS over plain HTTP, and RFC 6797 says not to send it there.
    assert "Strict-Transport-Security" not in reply.headers


@pytest.mark.parametrize("path", ["/health/", "/health/ready/"])
def test_health_endpoints_answer_probes_over_plain_http(server: Server, path: str) -> None:
    reply = server.request(path, https=False)

    assert reply.status == 200, reply.body


def test_the_images_health_check_passes_against_the_server(server: Server) -> None:
    dockerfile = (server.project / "Dockerfile").read_text(encoding="utf-8")
    healthcheck = re.search(r"^HEALTHCHECK .*?CMD (\[.*?\])$", dockerfile, re.MULTILINE | re.DOTALL)
    assert healthcheck, "the Dockerfile has no HEALTHCHECK"
    python, *args = json.loads(healthcheck[1])
    args = [arg.replace("127.0.0.1:8000", f"127.0.0.1:{server.port}") for arg in args]

    probe = subprocess.run(
        [server.venv / "bin" / python, *args],  # the image's /app/.venv
        env={"DJANGO_ALLOWED_HOSTS": HOST},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert probe.returncode == 0, probe.stderr


def test_signed_in_admin_reads_the_api_docs_under_the_policy(server: Server) -> None:
    session = log_in(server)

    reply = server.request("/api/docs/", headers={"Cookie": f"__Secure-sessionid={session}"})

    assert reply.status == 200
    assert_security_headers(reply)
    assert f'<style nonce="{reply.nonce()}">' in reply.body
    assert "<script>" not in reply.body  # every script is a file of the site's


def test_static_files_are_served_by_whitenoise_hashed_and_compressed(server: Server) -> None:
    session = log_in(server)
    admin = server.request(server.admin_path, headers={"Cookie": f"__Secure-sessionid={session}"})
    stylesheet = re.search(r'href="(/static/admin/css/base\.[0-9a-f]{12}\.css)"', admin.body)
    assert stylesheet, "the admin's stylesheet has no hashed name"

    reply = server.request(stylesheet[1], headers={"Accept-Encoding": "gzip"})

    assert reply.status == 200
    assert reply.header("Content-Encoding") == "gzip"
    assert "immutable" in reply.header("Cache-Control")


def test_logs_and_access_lines_are_json_lines(server: Server) -> None:
    server.request("/")
    deadline = time.monotonic() + 10
    while "gunicorn.access" not in server.log.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)

    lines = [line for line in server.log.read_text().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]
    assert {record["logger"] for record in records} >= {"gunicorn.error", "gunicorn.access"}
    assert all({"time", "level", "message"} <= record.keys() for record in records)


# --- The hot path: throttling in Redis, PostgreSQL connections --------------------------------


def python_in(
    server: Server, code: str, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """Start `code` in the deployment's Python, with its production environment (or `env`) and
    Django."""
    setup = "import django; django.setup()\n"
    return subprocess.Popen(
        ["uv", "run", "--no-dev", "python", "-c", setup + code],
        cwd=server.project,
        env=env or server.env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def output_of(process: subprocess.Popen[str]) -> str:
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    return stdout.strip().splitlines()[-1]


COUNT_HITS = """
import json, sys
from {slug}.core.throttling import count_hit
print("ready", flush=True)
sys.stdin.readline()  # every process starts counting at once, when the test says "go"
print(json.dumps([count_hit("{key}", 60) for _ in range({hits})]))
"""


def test_a_throttle_counter_is_exact_across_processes(server: Server) -> None:
    """Four processes add to one counter in Redis at once: every count from 1 to 400 comes back
    exactly once, so no hit is lost or counted twice."""
    key = f"throttle_test_{secrets.token_hex(4)}"
    code = COUNT_HITS.format(slug="my_service", key=key, hits=100)

    processes = [python_in(server, code) for _ in range(4)]
    deadline = time.monotonic() + 120
    for process in processes:  # each has started Django and imported the counter
        assert process.stdout
        left = max(deadline - time.monotonic(), 0)
        started = select.select([process.stdout], [], [], left)[0]
        assert started, "a counting process did not start within 2 minutes"
        assert process.stdout.readline() == "ready\n", "a counting process failed to start"
    for process in processes:
        assert process.stdin
        process.stdin.write("go\n")
        process.stdin.flush()
    counts = [count for process in processes for count in json.loads(output_of(process))]

    assert sorted(counts) == list(range(1, 401))


def test_every_gunicorn_worker_counts_against_one_rate_with_accurate_retry_after(
    server: Server,
) -> None:
    """A user may make USER_RATE API requests a minute: USER_RATE + 10 requests from 4 clients
    with one session token, over both workers, get exactly USER_RATE answers and 10 refusals
    whose Retry-After is when the minute ends. No other test uses this user."""
    token = app_session(server, create_user(server, "throttled@example.com"))
    if time.time() % 60 > 50:  # let the requests (about a second) fall in one minute
        time.sleep(60 - time.time() % 60 + 0.1)
    started = time.time()

    def get(_: int) -> tuple[int, str | None, float]:
        reply = server.request("/api/users/me/", headers={"X-Session-Token": token, **JSON})
        return reply.status, reply.headers.get("Retry-After"), time.time()

    with ThreadPoolExecutor(max_workers=4) as clients:
        replies = list(clients.map(get, range(USER_RATE + 10)))

    assert int(started // 60) == int(time.time() // 60), "took too long: the minute changed"
    statuses = [status for status, _, _ in replies]
    assert statuses.count(200) == USER_RATE
    assert statuses.count(429) == 10
    window_end = (started // 60 + 1) * 60
    for status, retry_after, answered in replies:
        if status == 429:
            assert retry_after is not None
            assert window_end - answered - 1 <= int(retry_after) <= window_end - started + 1


CONNECTIONS = """
import json, time
import psycopg
from django.core.signals import request_finished, request_started
from django.db import OperationalError, connection

def request():
    # What a request does with the connection: Django's signals around two queries.
    request_started.send(sender=None)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            cursor.execute("SELECT pg_backend_pid()")
            return cursor.fetchone()[0]
    except OperationalError:
        return "failed"
    finally:
        request_finished.send(sender=None)

def terminate(pid):
    with psycopg.connect({url!r}, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    time.sleep(0.2)

statements = []
real_execute = psycopg.Cursor.execute
def counting_execute(self, query, *args, **kwargs):
    statements.append(str(query))
    return real_execute(self, query, *args, **kwargs)
psycopg.Cursor.execute = counting_execute

first = request()
statements.clear()
second = request()  # the same connection, reused
reused = list(statements)

terminate(second)
statements.clear()
third = request()  # on the dead connection
replaced = list(statements)
fourth = request()
print(json.dumps([first, second, third, fourth, reused, replaced]))
"""


def connections_report(server: Server, health_checks: str) -> list[Any]:
    code = CONNECTIONS.format(url=server.env["DATABASE_URL"])
    env = server.env | {"DJANGO_CONN_HEALTH_CHECKS": health_checks}
    report: list[Any] = json.loads(output_of(python_in(server, code, env)))
    return report


def test_a_dropped_database_connection_fails_one_request_then_is_replaced(
    server: Server,
) -> None:
    """Production's default, without health checks: a reused connection costs no query of its
    own; one the server dropped fails the request on it, and Django replaces it for the next."""
    first, second, third, fourth, reused, _ = connections_report(server, "false")

    assert first == second  # one connection, kept between requests (CONN_MAX_AGE)
    assert reused == ["SELECT pg_backend_pid()", "SELECT pg_backend_pid()"]
    assert third == "failed"
    assert fourth not in (second, "failed")


def test_with_health_checks_a_dropped_connection_is_replaced_without_failing_a_request(
    server: Server,
) -> None:
    """DJANGO_CONN_HEALTH_CHECKS=true (Django's CONN_HEALTH_CHECKS): before the first query of a
    request on a reused connection, one `SELECT 1`; a connection the server dropped is replaced
    there (https://docs.djangoproject.com/en/6.1/ref/databases/)."""
    first, second, third, _, reused, replaced = connections_report(server, "true")

    assert first == second
    assert reused == ["SELECT 1", "SELECT pg_backend_pid()", "SELECT pg_backend_pid()"]
    assert third not in (second, "failed")  # the dead connection was replaced...
    assert replaced[0] == "SELECT 1"  # ...when the health check failed on it, once
    assert replaced.count("SELECT 1") == 1  # (a new connection first sets its time zone)
    assert replaced[-2:] == ["SELECT pg_backend_pid()", "SELECT pg_backend_pid()"]


def test_staff_log_in_with_the_authenticator_app_code(server: Server) -> None:
    session = log_in(server, fresh_totp_code(server.totp_secret))

    admin = server.request(server.admin_path, headers={"Cookie": f"__Secure-sessionid={session}"})

    assert admin.status == 200
    assert "Site administration" in admin.body


def test_the_api_log_in_locks_an_account_out_across_workers(server: Server) -> None:
    """The counters live in Redis: attempts spread over both gunicorn workers add up, and the
    API answers the lockout as its throttles do: 429 with Retry-After."""
    attempt = json.dumps({"email": "someone@example.com", "password": "wrong-password"})
    headers = JSON | {"X-Forwarded-For": "203.0.113.9"}  # one client, as the proxy reports it

    replies = [
        server.request(f"{APP_API}/auth/login", method="POST", body=attempt, headers=headers)
        for _ in range(6)
    ]

    assert [reply.status for reply in replies] == [400] * 5 + [429]
    assert replies[-1].header("Retry-After") == "900"


# --- A mobile app's whole account lifecycle -----------------------------------------------------

CREATE_USER = """
from django.contrib.auth import get_user_model
get_user_model().objects.create_user({email!r}, {password!r})
print("created")
"""
PASSWORD = "a-long-enough-passphrase"  # noqa: S105


def create_user(server: Server, email: str) -> str:
    output_of(python_in(server, CREATE_USER.format(email=email, password=PASSWORD)))
    return email


def call(server: Server, method: str, path: str, token: str = "", **data: str) -> Reply:
    """One call to allauth's API as an app makes it: JSON, its session token if it has one."""
    headers = JSON | ({"X-Session-Token": token} if token else {})
    body = json.dumps(data) if data else None
    return server.request(f"{APP_API}{path}", method=method, body=body, headers=headers)


def session_token(reply: Reply) -> str:
    token: str = json.loads(reply.body)["meta"]["session_token"]
    return token


def app_session(server: Server, email: str, password: str = PASSWORD) -> str:
    reply = call(server, "POST", "/auth/login", email=email, password=password)
    assert reply.status == 200, reply.body
    return session_token(reply)


def test_a_mobile_app_walks_the_account_lifecycle(server: Server) -> None:
    """Log in, enrol an authenticator app, log out, log in with one of the recovery codes it
    came with, reset the forgotten password with the emailed code: the session token from before
    the reset no longer works. (Its code just enrolled it, and a code is good once: logging in with
    the app's next code would wait 10 to 30 s for the next 30-second period. Staff log in with
    the app's code in test_staff_log_in_with_the_authenticator_app_code.)"""
    email = create_user(server, "mobile@example.com")
    token = app_session(server, email)
    me = server.request("/api/users/me/", headers={"X-Session-Token": token, **JSON})
    assert json.loads(me.body)["email"] == email

    offer = call(server, "GET", "/account/authenticators/totp", token)
    secret = json.loads(offer.body)["meta"]["secret"]
    assert call(server, "POST", "/auth/reauthenticate", token, password=PASSWORD).status == 200
    code = fresh_totp_code(secret)
    assert call(server, "POST", "/account/authenticators/totp", token, code=code).status == 200
    recovery = call(server, "GET", "/account/authenticators/recovery-codes", token)
    recovery_code = json.loads(recovery.body)["data"]["unused_codes"][0]
    assert call(server, "DELETE", "/auth/session", token).status == 401  # logged out

    first_step = call(server, "POST", "/auth/login", email=email, password=PASSWORD)
    assert first_step.status == 401  # the second factor is pending
    token = session_token(first_step)
    second_step = call(server, "POST", "/auth/2fa/authenticate", token, code=recovery_code)
    assert second_step.status == 200, second_step.body

    sent_before = len(server.mail.accepted)
    requested = call(server, "POST", "/auth/password/request", email=email)
    assert requested.status == 401  # the reset by code is pending
    reset_token = session_token(requested)
    key = server.mail.code_sent_to(email, since=sent_before)
    new_password = "another-long-passphrase"  # noqa: S105
    reset_data = {"key": key, "password": new_password}
    reset = call(server, "POST", "/auth/password/reset", reset_token, **reset_data)
    assert reset.status == 401, reset.body  # reset; the app logs in next

    refused = server.request("/api/users/me/", headers={"X-Session-Token": token, **JSON})
    assert refused.status == 401
    again = call(server, "POST", "/auth/login", email=email, password=new_password)
    assert again.status == 401  # the password works, and the second factor is asked for
