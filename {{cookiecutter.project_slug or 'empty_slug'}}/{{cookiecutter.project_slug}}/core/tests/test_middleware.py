import json

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from {{ cookiecutter.project_slug }}.core.middleware import OUT_OF_RANGE, BadInputMiddleware
from {{ cookiecutter.project_slug }}.users.models import User
from {{ cookiecutter.project_slug }}.users.tests.accounts import signed_in_app

TOO_LARGE = 2**64  # beyond every integer column
middleware = BadInputMiddleware(lambda _request: HttpResponse())


@pytest.mark.django_db
def test_a_number_beyond_the_databases_range_is_a_400_in_allauths_format(user: User) -> None:
    app = signed_in_app(user)

    response = app.call("DELETE", "/auth/sessions", {"sessions": [TOO_LARGE]})

    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == OUT_OF_RANGE


def test_the_api_under_api_answers_it_in_drfs_format() -> None:
    request = RequestFactory().get("/api/users/")

    response = middleware.process_exception(request, OverflowError())

    assert response is not None
    assert response.status_code == 400
    assert json.loads(response.content) == {"detail": OUT_OF_RANGE}


def test_other_errors_pass_on_to_djangos_handling() -> None:
    request = RequestFactory().get("/api/users/")

    assert middleware.process_exception(request, ValueError()) is None
    assert middleware(request).status_code == 200
