"""Input the database cannot hold is the client's error, not the server's."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

OUT_OF_RANGE = "A number in the request is out of range."


class NumberOutOfRangeMiddleware:
    """A 400 for a number too large for the database's integers: SQLite's driver raises
    OverflowError for one (PostgreSQL finds no row), even where a form has validated it, as in
    allauth's API. The body is in the format of the API the request was for."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OverflowError):
            return None
        if request.path.startswith("/_allauth/"):  # allauth's error format
            error = {"code": "invalid", "message": OUT_OF_RANGE}
            return JsonResponse({"status": 400, "errors": [error]}, status=400)
        return JsonResponse({"detail": OUT_OF_RANGE}, status=400)  # DRF's
