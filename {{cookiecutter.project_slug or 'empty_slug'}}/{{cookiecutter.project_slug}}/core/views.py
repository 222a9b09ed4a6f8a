from django.http import HttpRequest, HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:  # noqa: ARG001
    """Browsers ask every site for /favicon.ico: point them at the real icon, not a 404."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


def feature_left_off(request: HttpRequest, client: str) -> JsonResponse:  # noqa: ARG001
    """allauth's phone endpoint, for a feature this project leaves off: 404 in allauth's format."""
    # allauth 65 serves it anyway, and answers some calls to it with a server error.
    return JsonResponse({"status": 404}, status=404)
