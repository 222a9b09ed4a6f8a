"""Malformed JSON sent to allauth's API (/_allauth/) is answered 400 in allauth's error format.

allauth's views parse the body themselves: a body nested too deep (RecursionError) or a number
too long to convert (ValueError) escaped them as a 500, invalid UTF-8 got an empty 400, and
`NaN` or `Infinity` were taken as numbers. This middleware parses the body first, as strictly
as the project's own API does (core/parsers.py), and lets only valid JSON through.
"""

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers

ACCOUNTS_API = "/_allauth/"  # config/urls.py


def reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def is_valid_json(body: bytes) -> bool:
    try:
        json.loads(body.decode(), parse_constant=reject_constant)
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError included
        return False
    return True


class MalformedJSONMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.path.startswith(ACCOUNTS_API)
            and request.method != "GET"
            and request.body
            and not is_valid_json(request.body)
        ):
            error = {"code": "invalid", "message": "The request body is not valid JSON."}
            response = JsonResponse({"status": 400, "errors": [error]}, status=400)
            add_never_cache_headers(response)  # as allauth's own answers
            return response
        return self.get_response(request)
