"""Security headers and cookies on real responses, under the security settings prod really uses.

The security settings are read from config.settings.prod in a fresh process (its effective
values, not the file's text) and applied to the test settings; each request then comes through
a TLS-terminating proxy (X-Forwarded-Proto: https) to the production host name, as in prod.
"""

from collections import deque
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.http.response import ResponseHeaders
from django.test import Client, override_settings
from django.urls import reverse

from {{ cookiecutter.project_slug }}.users.models import User
from {{ cookiecutter.project_slug }}.users.tests.factories import PASSWORD, UserFactory

from .csp_audit import PageAudit, audit, nonce_of
from .settings_process import PROD_ENV, load_settings

pytestmark = pytest.mark.django_db

HOST = "{{ cookiecutter.domain_name }}"
HTTPS = {"Host": HOST, "X-Forwarded-Proto": "https"}
BROWSER = {**HTTPS, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
PROD_SECURITY_SETTINGS = (
    "ALLOWED_HOSTS",
    "MIDDLEWARE",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SECURE_CSP",
    "SECURE_CSP_REPORT_ONLY",
    "PERMISSIONS_POLICY",
    "X_FRAME_OPTIONS",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
)
MAX_CRAWLED_PAGES = 60


@pytest.fixture(scope="module")
def prod_security() -> dict[str, Any]:
    return load_settings("config.settings.prod", PROD_ENV, *PROD_SECURITY_SETTINGS)


@pytest.fixture(autouse=True)
def _as_in_prod(prod_security: dict[str, Any]) -> Iterator[None]:
    with override_settings(**prod_security):
        yield


@pytest.fixture
def staff() -> User:
    return UserFactory.create(is_staff=True, is_superuser=True)


@pytest.fixture
def browser() -> Client:
    return Client(headers=BROWSER)


@pytest.fixture
def staff_browser(browser: Client, staff: User) -> Client:
    browser.force_login(staff)
    return browser


def directives(policy: str) -> dict[str, list[str]]:
    """A Content-Security-Policy header as {directive: [source, ...]}."""
    parts = [part.split() for part in policy.split(";")]
    return {part[0]: part[1:] for part in parts}


def assert_security_headers(headers: ResponseHeaders) -> None:
    """Every header a browser needs from us, with prod's values."""
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "geolocation=()" in headers["Permissions-Policy"]
    policy = directives(headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert "Content-Security-Policy-Report-Only" not in headers


@pytest.mark.parametrize(
    ("page", "accept", "status"),
    [
        ("home", "text/html", 200),
        ("api-root", "application/json", 401),
        ("admin:index", "text/html", 302),
    ],
    ids=["html-page", "api-response", "redirect-to-login"],
)
def test_responses_carry_every_security_header(
    browser: Client, page: str, accept: str, status: int
) -> None:
    response = browser.get(reverse(page), headers={"Accept": accept})

    assert response.status_code == status
    assert response["Content-Type"].startswith(accept)
    assert_security_headers(response.headers)


def test_signed_in_api_response_carries_every_security_header(staff_browser: Client) -> None:
    response = staff_browser.get(reverse("user-me"), headers={"Accept": "application/json"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert_security_headers(response.headers)


def test_html_page_allows_only_its_own_nonce(staff_browser: Client) -> None:
    # The site's own pages inline nothing; Swagger UI's page inlines a style, with the nonce.
    response = staff_browser.get(reverse("api-docs"))

    nonce = nonce_of(response)
    assert nonce
    assert f"'nonce-{nonce}'" in directives(response["Content-Security-Policy"])["script-src"]
    assert nonce_of(staff_browser.get(reverse("api-docs"))) != nonce


def test_own_pages_need_no_nonce(browser: Client) -> None:
    response = browser.get(reverse("home"))

    assert response.status_code == 200
    assert nonce_of(response) is None
    assert audit(reverse("home"), response).blocked == []


def test_plain_http_is_redirected_to_https() -> None:
    response = Client(headers={"Host": HOST}).get(reverse("home"))

    assert response.status_code == 301
    assert response["Location"] == f"https://{HOST}/"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    # Browsers ignore HSTS over plain HTTP, and RFC 6797 says not to send it there.
    assert "Strict-Transport-Security" not in response


def test_csrf_cookie_is_secure_prefixed_and_hidden_from_scripts(browser: Client) -> None:
    response = browser.get(reverse("account_login"))

    cookie = response.cookies["__Secure-csrftoken"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_session_cookie_is_secure_prefixed_and_hidden_from_scripts(
    browser: Client, staff: User
) -> None:
    credentials = {"login": staff.get_username(), "password": PASSWORD}

    response = browser.post(reverse("account_login"), credentials)

    assert response.status_code == 302
    cookie = response.cookies["__Secure-sessionid"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_api_docs_run_no_inline_script_and_show_both_apis(staff_browser: Client) -> None:
    response = staff_browser.get(reverse("api-docs"))

    assert response.status_code == 200
    page = response.content.decode()
    assert f'<style nonce="{nonce_of(response)}">' in page
    assert "<script>" not in page
    assert f'<option value="{reverse("headless:openapi_json")}">' in page
    assert audit(reverse("api-docs"), response).blocked == []
    assert_security_headers(response.headers)


@pytest.mark.parametrize("url_name", ["account_login", "account_reset_password"])
def test_login_and_reset_pages_run_nothing_the_policy_blocks(
    browser: Client, url_name: str
) -> None:
    response = browser.get(reverse(url_name))

    assert response.status_code == 200
    assert audit(reverse(url_name), response).blocked == []


def test_every_page_a_signed_in_admin_reaches_works_under_the_policy(
    staff_browser: Client,
) -> None:
    """Follow the links from the home page, the admin and the API: nothing inline is blocked."""
    start = [reverse("home"), reverse("admin:index"), reverse("api-root")]
    queue, seen = deque(start), set(start)
    blocked: dict[str, list[str]] = {}
    while queue and len(blocked) < MAX_CRAWLED_PAGES:
        path = queue.popleft()
        response = staff_browser.get(path)
        html = response["Content-Type"].startswith("text/html")
        page = audit(path, response) if html else PageAudit(path, None)
        blocked[path] = page.blocked
        urls = [urlsplit(link) for link in page.links]
        links = {url.path for url in urls if url.netloc in {"", HOST} and url.path.startswith("/")}
        new = sorted(links - seen)
        seen.update(new)
        queue.extend(new)

    assert {path: found for path, found in blocked.items() if found} == {}
    assert len(blocked) > 10, f"reached only {sorted(blocked)}"


# --- the audit itself ---------------------------------------------------------------------------


def test_audit_reports_what_the_policy_would_block() -> None:
    page = PageAudit("/", "n0nce")
    page.feed(
        '<script>alert(1)</script><script nonce="n0nce">ok()</script>'
        '<style>p {}</style><a href="javascript:void(0)" onclick="go()">x</a>'
        '<script src="https://cdn.example.net/x.js"></script><img src="data:image/png;base64,">'
        '<script type="application/json">{}</script>'
    )

    assert page.blocked == [
        "<script> without the request's nonce",
        "<style> without the request's nonce",
        "<a onclick>: inline event handler",
        "<a href='javascript:void(0)'>: javascript: URL",
        "<script> loads 'https://cdn.example.net/x.js' from another site",
    ]
