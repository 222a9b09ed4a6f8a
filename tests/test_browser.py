"""What a person sees: Debian's Chromium, driven by Playwright, on a production deployment.

The default bake runs as deployed (gunicorn, prod settings, PostgreSQL, Redis), behind what
looks to it like a TLS proxy. A person logs in to the admin at its secret path, reads the API
docs and finds every endpoint, and creates a project and a task through the example app's pages.
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
from tests.deployed import Server, deployed
from tests.services import free_port

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
def site(shared_bake: Bake, bake_env: dict[str, str]) -> Iterator[Server]:
    # Chromium keeps Secure cookies on http://localhost, so the site is served as localhost.
    port = free_port()
    settings = {
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "DJANGO_CSRF_TRUSTED_ORIGINS": f"http://localhost:{port}",
    }
    with deployed(shared_bake(), bake_env, port, **settings) as server:
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

    def log_in_to_admin(self, site: Server) -> None:
        self.page.goto(f"{site.admin_path}login/")
        self.page.fill("#id_username", site.superuser[0])
        self.page.fill("#id_password", site.superuser[1])
        self.page.click("input[type=submit]")
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
