from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:  # noqa: ARG001
    """Browsers ask every site for /favicon.ico: point them at the real icon, not a 404."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))
