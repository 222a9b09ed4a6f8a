"""Bad input is the client's error: a 400 in the format of the API it was for, never a 500."""

from collections.abc import Callable
from io import BytesIO

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from rest_framework.exceptions import ParseError

from .parsers import JSONParser

ACCOUNTS_API = "/_allauth/"  # allauth's API (config/urls.py)
OUT_OF_RANGE = "A number in the request is out of range."


def accounts_api_error(status: int, code: str, message: str) -> JsonResponse:
    """An error answer in the format of allauth's API, never cached as allauth's own."""
    body = {"status": status, "errors": [{"code": code, "message": message}]}
    response = JsonResponse(body, status=status)
    add_never_cache_headers(response)
    return response


class BadInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # allauth's API parses its JSON bodies itself: a body nested too deep or a number too
        # long escaped it as a 500, and `NaN` passed as a number. Parse them here first, with
        # the project's API's parser.
        if request.path.startswith(ACCOUNTS_API) and request.method != "GET" and request.body:
            try:
                JSONParser().parse(BytesIO(request.body))
            except ParseError:
                return accounts_api_error(400, "invalid", "The request body is not valid JSON.")
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        # A number beyond the database's integers makes SQLite's driver raise OverflowError
        # (PostgreSQL finds no row), even in a form that validated it.
        if not isinstance(exception, OverflowError):
            return None
        if request.path.startswith(ACCOUNTS_API):
            return accounts_api_error(400, "invalid", OUT_OF_RANGE)
        return JsonResponse({"detail": OUT_OF_RANGE}, status=400)  # DRF's format
