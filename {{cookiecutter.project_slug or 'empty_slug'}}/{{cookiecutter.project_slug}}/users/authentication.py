"""Token authentication: django-rest-knox, minus a query on every request."""

from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.models import AuthToken


class TokenAuthentication(KnoxTokenAuthentication):  # type: ignore[misc]  # knox has no types
    """Knox tokens (hashed at rest, expiring, revocable).

    Knox sweeps all of the user's other tokens for expired ones on every request: one more
    query per API call. Here only the presented token is checked; the rest expire unused and
    are refused, and housekeeping deletes them in bulk.
    """

    def _cleanup_token(self, auth_token: AuthToken) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


class TokenScheme(KnoxTokenScheme):  # type: ignore[no-untyped-call]  # an untyped registry
    """Describe these tokens in the OpenAPI schema as drf-spectacular describes knox's."""

    target_class = "{{ cookiecutter.project_slug }}.users.authentication.TokenAuthentication"
