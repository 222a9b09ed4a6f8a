from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse


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
