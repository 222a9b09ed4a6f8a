"""Bad input is the client's error: a 400 in the format of the API it was for, never a 500.

allauth's API parses its JSON bodies itself: a body nested too deep or a number too long escaped
it as a 500, and `NaN` passed as a number. Its bodies are parsed here first, as strictly as
core/parsers.py parses the project's API's. And a number beyond the database's integers makes
SQLite's driver raise OverflowError (PostgreSQL finds no row), even in a form that validated it.
"""

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers

ACCOUNTS_API = "/_allauth/"  # config/urls.py
NOT_JSON = "The request body is not valid JSON."
OUT_OF_RANGE = "A number in the request is out of range."


def reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def is_valid_json(body: bytes) -> bool:
    try:
        json.loads(body.decode(), parse_constant=reject_constant)
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError included
        return False
    return True


def bad_request(request: HttpRequest, message: str) -> JsonResponse:
    if request.path.startswith(ACCOUNTS_API):  # allauth's error format
        error = {"code": "invalid", "message": message}
        response = JsonResponse({"status": 400, "errors": [error]}, status=400)
        add_never_cache_headers(response)  # as allauth's own answers
        return response
    return JsonResponse({"detail": message}, status=400)  # DRF's


class BadInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.path.startswith(ACCOUNTS_API)
            and request.method != "GET"
            and request.body
            and not is_valid_json(request.body)
        ):
            return bad_request(request, NOT_JSON)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OverflowError):
            return bad_request(request, OUT_OF_RANGE)
        return None
