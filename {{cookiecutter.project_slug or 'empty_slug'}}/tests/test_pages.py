import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views import defaults

LAYOUT = '<main id="main"'  # base.html's landmark: the page is in the site's layout
STYLESHEET = '<link rel="stylesheet" href="/static/css/site.css">'


def test_home_page_links_to_docs_api_and_admin(client: Client) -> None:
    response = client.get(reverse("home"))

    assert response.status_code == 200
    for url_name in ("api-docs", "api-root", "admin:index"):
        assert reverse(url_name) in response.content.decode()


def test_favicon_requests_find_the_icon(client: Client) -> None:
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.svg"  # served by WhiteNoise
    assert finders.find("favicon.svg") is not None


@pytest.mark.parametrize(
    "path", ["css/site.css", "vendor/pico/pico.min.css", "vendor/htmx/htmx.min.js"]
)
def test_the_layouts_static_files_are_served_from_this_site(path: str) -> None:
    assert finders.find(path) is not None


def test_a_missing_page_is_a_404_in_the_sites_layout(client: Client) -> None:
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert LAYOUT in response.content.decode()


def test_a_refused_page_is_a_403_in_the_sites_layout(rf: RequestFactory) -> None:
    request = rf.get("/")
    request.user = AnonymousUser()

    response = defaults.permission_denied(request, PermissionDenied())

    assert response.status_code == 403
    assert LAYOUT in response.content.decode()


def test_a_form_without_its_csrf_token_is_refused_in_the_sites_layout() -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("account_login"), {"login": "someone", "password": "x"})

    assert response.status_code == 403
    assert "Please try again" in response.content.decode()
    assert LAYOUT in response.content.decode()


def test_the_rate_limit_page_is_in_the_sites_layout(rf: RequestFactory) -> None:
    request = rf.get("/")
    request.user = AnonymousUser()

    page = render_to_string("429.html", request=request)

    assert "Too many attempts" in page
    assert LAYOUT in page


def test_the_500_page_renders_without_a_request() -> None:
    page = render_to_string("500.html")

    assert "Something went wrong" in page
    assert STYLESHEET in page
