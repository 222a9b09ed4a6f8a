from django.test import Client
from django.urls import reverse


def test_home_page_links_to_docs_api_and_admin(client: Client) -> None:
    response = client.get(reverse("home"))

    assert response.status_code == 200
    for url_name in ("api-docs", "api-root", "admin:index"):
        assert reverse(url_name) in response.content.decode()
