"""What a person sees: Debian's Chromium, driven by Playwright, on a production deployment.

The default bake runs as deployed (gunicorn, a Celery worker, prod settings, PostgreSQL, Redis, a
mail server), behind what looks to it like a TLS proxy. A person logs in to the admin at its
secret path (password, then a code: production requires MFA for staff), reads the API docs and
finds every endpoint, creates a project and a task through the example app's pages, and resets a
forgotten password by email, then logs in with the authenticator app's code.
Any console error fails the test, Content Security Policy violations included. Screenshots go to
artifacts/browser/ (ARTIFACTS_DIR overrides); the README's tour shows copies of them, in
docs/tour/, refreshed with `cp artifacts/browser/*.png docs/tour/` after a run.
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from tests.conftest import TEMPLATE_DIR, Bake
from tests.deployed import Server, deployed, fresh_totp_code
from tests.services import SmtpSink, free_port

pytestmark = pytest.mark.integration

CHROMIUM_FLAGS = [
    "--no-sandbox",  # root in CI
    "--disable-gpu",
    "--no-first-run",
    "--disable-quic",
    # The network here reaches only package registries: no background calls home.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(os.environ.get("ARTIFACTS_DIR", TEMPLATE_DIR / "artifacts")) / "browser"


@pytest.fixture(scope="module")
def site(
    shared_bake: Bake, bake_env: dict[str, str], bytecode_store: Path, mailbox: SmtpSink
) -> Iterator[Server]:
    # Chromium keeps Secure cookies on http://localhost, so the site is served as localhost.
    port = free_port()
    settings = {
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "DJANGO_CSRF_TRUSTED_ORIGINS": f"http://localhost:{port}",
        "DJANGO_SMTP_URL": mailbox.url,
    }
    with deployed(shared_bake(), bake_env, bytecode_store, port, worker=True, **settings) as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        message = "chromium is not installed (apt-get install chromium)"
        if os.environ.get("TEMPLATE_TESTS_REQUIRE_SERVICES") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


class Visit:
    """A browser tab on the site that records every console error and page error."""

    def __init__(self, browser: Browser, site: Server) -> None:
        self.context = browser.new_context(
            base_url=f"http://localhost:{site.port}",
            extra_http_headers={"X-Forwarded-Proto": "https"},  # what the TLS proxy adds
        )
        self.page: Page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("dialog", lambda dialog: dialog.accept())

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)

    def log_in_to_admin(self, site: Server, *, with_authenticator: bool = False) -> None:
        """The admin's log-in is the site's: password, then a code (the authenticator app's,
        read when the page asks for it, or a recovery code)."""
        self.page.goto(f"{site.admin_path}login/")
        self.page.fill("#id_login", site.superuser[0])
        self.page.fill("#id_password", site.superuser[1])
        self.page.click("main button[type=submit]")
        self.page.wait_for_url("**/accounts/2fa/authenticate/")
        code = fresh_totp_code(site.totp_secret) if with_authenticator else site.recovery_code()
        self.page.fill("#id_code", code)
        self.page.click("main button[type=submit]")
        self.page.wait_for_url(f"**{site.admin_path}")


@pytest.fixture
def visit(browser: Browser, site: Server) -> Iterator[Visit]:
    tab = Visit(browser, site)
    yield tab
    tab.context.close()


def test_admin_login_at_the_secret_path(visit: Visit, site: Server) -> None:
    visit.log_in_to_admin(site)

    assert visit.page.locator("#site-name").is_visible()
    assert "Users" in visit.page.content()
    visit.screenshot("admin")
    assert visit.errors == []


def test_api_docs_list_every_endpoint(visit: Visit, site: Server) -> None:
    visit.log_in_to_admin(site)
    schema = visit.page.request.get("/api/schema/?format=json").json()

    visit.page.goto("/api/docs/")
    visit.page.locator(".opblock").first.wait_for()
    shown = set(
        visit.page.locator(".opblock-summary-path").evaluate_all(
            "paths => paths.map(path => path.dataset.path)"
        )
    )

    assert shown == set(schema["paths"])
    visit.screenshot("api-docs")

    # The menu above switches to allauth's accounts API, served by the project.
    page = visit.page
    accounts = page.request.get("/_allauth/openapi.json").json()
    page.select_option("#api-spec", label="Accounts API (/_allauth/)")
    page.locator(".opblock-summary-path[data-path$='/auth/login']").first.wait_for()
    shown = set(
        page.locator(".opblock-summary-path").evaluate_all(
            "paths => paths.map(path => path.dataset.path)"
        )
    )
    assert shown == set(accounts["paths"])
    assert visit.errors == []


def test_a_project_and_a_task_are_created_through_the_pages(visit: Visit, site: Server) -> None:
    visit.log_in_to_admin(site)
    page = visit.page

    page.goto("/")
    page.click("main a:has-text('Projects')")
    page.wait_for_url("**/projects/")
    page.goto("/")
    visit.screenshot("home")
    page.goto("/projects/new/")
    page.fill("#id_name", "Browser launch")
    page.click("main button[type=submit]")
    page.wait_for_selector("h1:has-text('Browser launch')")
    page.click("text=New task")
    page.fill("#id_title", "Write the announcement")
    page.click("main button[type=submit]")
    page.wait_for_selector("td:has-text('Write the announcement')")
    page.click("button:has-text('Done')")  # a nonce-carrying script asks first; we accept
    page.wait_for_selector("tr.done td:has-text('Write the announcement')")
    page.click("text=New task")
    page.fill("#id_title", "Book the launch venue")
    page.select_option("#id_assignee", label=site.superuser[0])
    page.fill("#id_due_date", "2031-05-20")
    page.click("main button[type=submit]")
    page.wait_for_selector(f"tr:has-text('Book the launch venue'):has-text('{site.superuser[0]}')")

    visit.screenshot("example-app")
    assert visit.errors == []


def test_a_password_is_reset_by_email_then_staff_log_in_with_a_code(
    visit: Visit, site: Server, mailbox: SmtpSink
) -> None:
    page = visit.page
    address, password = site.superuser

    page.goto("/accounts/login/")
    page.click("text=Forgot your password?")
    page.fill("#id_email", address)
    sent_before = len(mailbox.accepted)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/password/reset/confirm/")
    visit.screenshot("password-reset-requested")
    page.fill("#id_code", mailbox.code_sent_to(address, since=sent_before))
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/password/reset/complete/")
    # The same password again, so that the other tests' log-ins still work.
    page.fill("#id_password1", password)
    page.fill("#id_password2", password)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/password/reset/done/")

    visit.log_in_to_admin(site, with_authenticator=True)

    assert page.locator("#site-name").is_visible()
    visit.screenshot("admin-after-totp")
    assert visit.errors == []


def test_a_passkey_is_added_then_signs_in_without_a_password(visit: Visit, site: Server) -> None:
    """Chromium's virtual authenticator (DevTools' WebAuthn domain) stands in for the device."""
    page = visit.page
    devtools = visit.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
        "automaticPresenceSimulation": True,
    }
    devtools.send("WebAuthn.addVirtualAuthenticator", {"options": options})
    visit.log_in_to_admin(site)

    page.goto("/accounts/2fa/webauthn/add/")
    page.fill("#id_name", "Virtual passkey")
    page.check("#id_passwordless")
    page.click("#mfa_webauthn_add")  # the browser asks the authenticator, then the form posts
    page.wait_for_selector("text=Security key added")
    page.goto("/accounts/2fa/webauthn/")
    assert "Virtual passkey" in page.content()
    visit.screenshot("passkeys")

    page.goto("/accounts/logout/")
    page.click("main button[type=submit]")
    page.goto("/accounts/login/")
    page.click("#passkey_login")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto("/accounts/2fa/webauthn/")

    assert "Virtual passkey" in page.content()  # signed in, by the passkey alone
    assert visit.errors == []
