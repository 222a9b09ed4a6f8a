"""What a person sees: Debian's Chromium, driven by Playwright, on a production deployment.

The default bake runs as deployed (gunicorn, a Celery worker, prod settings, PostgreSQL, Redis, a
mail server), behind what looks to it like a TLS proxy. A person logs in to the admin at its
secret path (password, then a code: production requires MFA for staff), reads the API docs and
finds every endpoint, creates a project and a task through the example app's pages, and resets a
forgotten password by email, then logs in with the authenticator app's code.
The example app's actions run through htmx without a reload, and again with JavaScript off.
axe-core finds no violation on the project's own pages (signed out and in, 1280 and 375 px wide,
light and dark), none of them scrolls sideways on a phone, and a keyboard alone (Tab, Enter,
Space) logs in, adds a project and a task, marks it done and logs out, the focus visible at
every stop. Any console error fails the test, Content Security Policy violations included.
Screenshots go to artifacts/browser/ (ARTIFACTS_DIR overrides), with axe's findings by page
(axe.json); the README's tour shows copies of the screenshots, in docs/tour/, refreshed by copying
them there after a run.
"""

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Route, sync_playwright

from tests.accessibility import (
    DESKTOP,
    PHONE,
    axe_violations,
    sideways_overflow,
    tab_to,
)
from tests.conftest import TEMPLATE_DIR, Bake, EnvironmentFor
from tests.deployed import Server, deployed, fresh_totp_code
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
def site(
    shared_bake: Bake, bake_env: dict[str, str], environment_for: EnvironmentFor
) -> Iterator[Server]:
    # Chromium keeps Secure cookies on http://localhost, so the site is served as localhost.
    port = free_port()
    settings = {
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "DJANGO_CSRF_TRUSTED_ORIGINS": f"http://localhost:{port}",
    }
    project = shared_bake()
    uv_environment = environment_for(project, production=True)
    with deployed(project, bake_env, uv_environment, port, **settings) as server:
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

    def __init__(self, browser: Browser, site: Server, *, javascript: bool = True) -> None:
        self.context = browser.new_context(
            base_url=f"http://localhost:{site.port}",
            java_script_enabled=javascript,
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


def new_project(page: Page, name: str, task: str = "") -> None:
    """Create a project through its form; with `task`, add that task with the project page's
    one-line form (htmx, or a plain post with JavaScript off)."""
    page.goto("/projects/new/")
    page.fill("#id_name", name)
    page.click("main button[type=submit]")
    page.wait_for_selector(f'h1:has-text("{name}")')
    if task:
        page.fill("#id_title", task)
        page.click("#tasks button[type=submit]")
        page.wait_for_selector(f'td.task-title:has-text("{task}")')


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
    new_project(page, "Browser launch")
    # The one-line form on the project's page: htmx posts it and swaps the task list in place;
    # marking done swaps the row, the filter the list. A marker on the window shows that the page
    # was never reloaded.
    page.evaluate("window.sameDocument = true")
    page.fill("#id_title", "Write the announcement")
    page.click("#tasks button[type=submit]")
    page.wait_for_selector("td.task-title:has-text('Write the announcement')")
    page.click("button:has-text('Mark done')")
    page.wait_for_selector("tr.done td:has-text('Write the announcement')")
    assert page.evaluate("window.sameDocument") is True
    page.click("text=New task")
    page.wait_for_url("**/projects/tasks/new/**")
    page.fill("#id_title", "Book the launch venue")
    page.select_option("#id_assignee", label=site.superuser[0])
    page.fill("#id_due_date", "2031-05-20")
    page.click("main button[type=submit]")
    page.wait_for_selector(f"tr:has-text('Book the launch venue'):has-text('{site.superuser[0]}')")
    page.evaluate("window.sameDocument = true")
    page.click("#filter-open")
    page.wait_for_selector("#filter-open[aria-current=page]")
    assert page.locator("td.task-title").all_inner_texts() == ["Book the launch venue"]
    page.click("#filter-all")
    page.wait_for_selector("tr.done")
    assert page.evaluate("window.sameDocument") is True

    visit.screenshot("example-app")
    page.set_viewport_size(PHONE)
    visit.screenshot("example-app-phone")
    assert visit.errors == []


def test_the_task_pages_work_without_javascript(browser: Browser, site: Server) -> None:
    """htmx is a shortcut, never a requirement: each form posts and redirects without it."""
    visit = Visit(browser, site, javascript=False)
    page = visit.page
    try:
        visit.log_in_to_admin(site)
        new_project(page, "No-script launch", task="Print the flyers")
        page.click("button:has-text('Mark done')")
        page.wait_for_selector(".message:has-text('Done: Print the flyers')")
        page.click("#filter-done")
        page.wait_for_url("**?status=done")
        page.click("button:has-text('Reopen')")
        page.wait_for_selector(".message:has-text('Reopened: Print the flyers')")

        assert page.locator("tr.done").count() == 0
        assert visit.errors == []
    finally:
        visit.context.close()


def test_a_password_is_reset_by_email_then_staff_log_in_with_a_code(
    visit: Visit, site: Server
) -> None:
    page = visit.page
    address, password = site.superuser

    page.goto("/accounts/login/")
    page.click("text=Forgot your password?")
    page.fill("#id_email", address)
    sent_before = len(site.mail.accepted)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/password/reset/confirm/")
    visit.screenshot("password-reset-requested")
    page.fill("#id_code", site.mail.code_sent_to(address, since=sent_before))
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

    # Adding a factor is a sensitive action: the password again first, as allauth asks for it.
    page.goto("/accounts/reauthenticate/?next=/accounts/2fa/webauthn/add/")
    page.fill("#id_password", site.superuser[1])
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/2fa/webauthn/add/")
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


# The pages this project renders (item 1 of the design): signed out, then signed in.
OWN_PAGES_SIGNED_OUT = [
    "/",
    "/accounts/login/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/no-such-page/",
]
OWN_PAGES_SIGNED_IN = [
    "/",
    "/projects/",
    "/projects/new/",
    "/projects/tasks/new/",
    "/accounts/password/change/",
    "/accounts/email/",
    "/accounts/2fa/",
    "/accounts/2fa/recovery-codes/",
    "/accounts/sessions/",
    "/accounts/logout/",
    "/no-such-page/",
]


STATUSES = [  # Chromium's console errors for the pages that answer with an error status
    "the server responded with a status of 404 (Not Found)",
    "the server responded with a status of 404 (Not Found)",
    "the server responded with a status of 429 (Too Many Requests)",
]


class AccessibilityAudit:
    """axe-core on each page at desktop and phone widths, light and dark, and any sideways
    scrolling, by page and viewport: `found` maps each to its problems."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.found: dict[str, list[str]] = {}

    def check(self, label: str) -> None:
        for viewport, scheme in ((DESKTOP, "light"), (PHONE, "light"), (DESKTOP, "dark")):
            self.page.set_viewport_size(viewport)
            self.page.emulate_media(color_scheme=scheme)
            problems = [str(violation) for violation in axe_violations(self.page)]
            if overflow := sideways_overflow(self.page):
                problems.append(f"scrolls sideways by {overflow} px")
            self.found[f"{label} at {viewport['width']} px, {scheme}"] = problems
        self.page.set_viewport_size(DESKTOP)
        self.page.emulate_media(color_scheme="light")

    def visit(self, path: str, label: str) -> None:
        self.page.goto(path)
        self.check(f"{path} ({label})")


def rendered(site: Server, *templates: str) -> dict[str, str]:
    """Templates as the deployed project renders them without a request (as Django's 500 page),
    by name: one process renders them all (each start of Django costs a second of CPU)."""
    command = (
        "import json; from django.template.loader import render_to_string as r;"
        f" print(json.dumps({{name: r(name) for name in {list(templates)!r}}}))"
    )
    manage = ["uv", "run", "--no-dev", "python", "manage.py", "shell", "--no-imports", "-c"]
    result = subprocess.run(
        [*manage, command],
        cwd=site.project,
        env=site.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    pages: dict[str, str] = json.loads(result.stdout.splitlines()[-1])
    return pages


def serving(html: str) -> Callable[[Route], None]:
    """A route handler that answers with `html`."""
    return lambda route: route.fulfill(body=html, content_type="text/html")


def reach_the_reset_rate_limit(page: Page) -> None:
    """django-allauth's default limit, 5 reset requests a minute for one address: the 6th is
    refused with its 429 page (an address nobody has, so no other test's limit is touched)."""
    for _ in range(6):
        page.goto("/accounts/password/reset/")
        page.fill("#id_email", "rate-limited@example.com")
        page.click("main button[type=submit]")
        page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Too many attempts"


def test_own_pages_pass_axe_and_fit_a_phone(visit: Visit, site: Server) -> None:
    page = visit.page
    audit = AccessibilityAudit(page)
    for path in OWN_PAGES_SIGNED_OUT:
        audit.visit(path, "signed out")
    reach_the_reset_rate_limit(page)
    audit.check("the 429 page (signed out)")
    # No request of a test makes the site answer 403 or 500 (nor, with a browser that sends the
    # token, fail the CSRF check): the browser is handed those pages as the project renders
    # them, on a path of the site, so that its files load.
    pages = rendered(site, "403.html", "403_csrf.html", "500.html")
    for name in ("403", "403_csrf", "500"):
        page.route(f"**/error-{name}/", serving(pages[f"{name}.html"]))
        audit.visit(f"/error-{name}/", "as rendered")
    page.goto("/accounts/login/")
    page.fill("#id_login", site.superuser[0])
    page.fill("#id_password", site.superuser[1])
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/2fa/authenticate/")
    audit.check("/accounts/2fa/authenticate/ (signing in)")
    page.fill("#id_code", site.recovery_code())
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/" not in url)
    long_title = "A task with a rather long title, to fill the table's first column"
    new_project(page, "Accessible launch", task=long_title)
    audit.check("the project's page (signed in)")
    for path in OWN_PAGES_SIGNED_IN:
        audit.visit(path, "signed in")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "axe.json").write_text(json.dumps(audit.found, indent=2))

    assert audit.found == {key: [] for key in audit.found}
    assert len(audit.found) == 3 * (len(OWN_PAGES_SIGNED_OUT) + len(OWN_PAGES_SIGNED_IN) + 6)
    # The only errors: Chromium's notes that /no-such-page/ answered 404 (signed out and in) and
    # the 6th reset request 429.
    assert sorted(visit.errors) == [f"Failed to load resource: {status}" for status in STATUSES]


def test_keyboard_alone_logs_in_adds_a_project_and_a_task_marks_it_done_and_logs_out(
    visit: Visit, site: Server
) -> None:
    """Tab moves the focus, visibly at every stop; Enter and Space act; typing fills fields."""
    page = visit.page
    keyboard = page.keyboard

    page.goto("/accounts/login/")
    tab_to(page, "#id_login")
    keyboard.type(site.superuser[0])
    tab_to(page, "#id_password")
    keyboard.type(site.superuser[1])
    keyboard.press("Enter")
    page.wait_for_url("**/accounts/2fa/authenticate/")
    tab_to(page, "#id_code")
    keyboard.type(site.recovery_code())
    keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/" not in url)
    tab_to(page, "header a[href='/projects/']")
    keyboard.press("Enter")
    page.wait_for_url("**/projects/")
    tab_to(page, "main a[href='/projects/new/']")
    keyboard.press("Enter")
    page.wait_for_url("**/projects/new/")
    tab_to(page, "#id_name")
    keyboard.type("Keyboard launch")
    keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Keyboard launch')")
    tab_to(page, "#id_title")
    keyboard.type("Plan it by keyboard")
    keyboard.press("Enter")
    page.wait_for_selector("td.task-title:has-text('Plan it by keyboard')")
    tab_to(page, "#tasks tbody button")
    keyboard.press("Space")
    page.wait_for_selector("tr.done td.task-title:has-text('Plan it by keyboard')")
    tab_to(page, "header button[type=submit]")
    keyboard.press("Enter")

    page.wait_for_selector("header a[href='/accounts/login/']")
    assert visit.errors == []
