"""A default bake deployed as its README's Deploy section says, against real services.

Production dependencies only (`uv sync --locked --no-dev`), PostgreSQL and Redis on 127.0.0.1,
the deploy check, migrate, collectstatic, then gunicorn with the project's own configuration.
Requests come as a TLS-terminating proxy sends them (X-Forwarded-Proto: https), and the security
headers, cookies, static files and logs are checked on the live responses.
"""

import json
import re
import subprocess
import time
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from tests.conftest import Bake
from tests.deployed import HOST, Reply, Server, deployed, totp_code

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def server(shared_bake: Bake, bake_env: dict[str, str]) -> Iterator[Server]:
    """The default bake, installed and started as its README's Deploy section says."""
    with deployed(shared_bake(), bake_env) as running:
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
    assert f'nonce="{reply.nonce()}"' in reply.body


def test_admin_login_is_the_site_login_with_secure_cookies(server: Server) -> None:
    admin = server.request(f"{server.admin_path}login/")
    assert admin.status == 302
    assert admin.header("Location").startswith("/accounts/login/?next=")

    reply = server.request(admin.header("Location"))

    assert reply.status == 200
    assert_security_headers(reply)
    assert f'nonce="{reply.nonce()}"' in reply.body
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
        [server.project / ".venv" / "bin" / python, *args],
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
    assert f'<script nonce="{reply.nonce()}">' in reply.body


def test_static_files_are_served_by_whitenoise_hashed_and_compressed(server: Server) -> None:
    session = log_in(server)
    admin = server.request(server.admin_path, headers={"Cookie": f"__Secure-sessionid={session}"})
    stylesheet = re.search(r'href="(/static/admin/css/base\.[0-9a-f]{12}\.css)"', admin.body)
    assert stylesheet, "the admin's stylesheet has no hashed name"

    reply = server.request(stylesheet[1], headers={"Accept-Encoding": "gzip"})

    assert reply.status == 200
    assert reply.header("Content-Encoding") == "gzip"
    assert "immutable" in reply.header("Cache-Control")


def test_logs_are_json_lines(server: Server) -> None:
    server.request("/")
    deadline = time.monotonic() + 10
    while "gunicorn.access" not in server.log.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)

    lines = [line for line in server.log.read_text().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]
    assert {record["logger"] for record in records} >= {"gunicorn.error", "gunicorn.access"}
    assert all({"time", "level", "message"} <= record.keys() for record in records)


def test_staff_log_in_with_the_authenticator_app_code(server: Server) -> None:
    session = log_in(server, totp_code(server.totp_secret))

    admin = server.request(server.admin_path, headers={"Cookie": f"__Secure-sessionid={session}"})

    assert admin.status == 200
    assert "Site administration" in admin.body


def test_token_endpoint_locks_an_account_out_across_workers(server: Server) -> None:
    """The counters live in Redis: attempts spread over both gunicorn workers add up."""
    attempt = json.dumps({"email": "someone@example.com", "password": "wrong-password"})
    headers = {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-Forwarded-For": "203.0.113.9",  # one client, as the proxy in front reports it
    }

    replies = [
        server.request("/api/auth/token/", method="POST", body=attempt, headers=headers)
        for _ in range(6)
    ]

    assert [reply.status for reply in replies] == [400] * 5 + [429]
    assert replies[-1].header("Retry-After") == "900"
