"""The API documentation page: Swagger UI under the site's own security headers."""

from typing import Any

from drf_spectacular.views import SpectacularSwaggerView
from rest_framework.request import Request
from rest_framework.response import Response


class ApiDocsView(SpectacularSwaggerView):
    """Swagger UI whose inline script and style carry the request's CSP nonce (api_docs.html)."""

    template_name = "api_docs.html"

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        # drf-spectacular relaxes this header here for OAuth2 pop-ups; this API signs in with
        # tokens, so the page keeps the site's policy.
        response.headers.pop("Cross-Origin-Opener-Policy", None)
        return response
