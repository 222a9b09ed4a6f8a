"""The API's sign-in: the session token of a log-in through allauth's API (/_allauth/app/)."""

from importlib import import_module
from typing import TYPE_CHECKING

from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication
from allauth.headless.tokens.strategies.sessions import (
    SessionTokenStrategy as AllauthSessionTokenStrategy,
)
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from drf_spectacular.extensions import OpenApiAuthenticationExtension

if TYPE_CHECKING:  # importing it at run time would import this module again, half-loaded
    from drf_spectacular.openapi import AutoSchema


class SessionTokenStrategy(AllauthSessionTokenStrategy):  # type: ignore[misc]  # untyped
    """allauth's session tokens (the token is the session's key), found with one store read."""

    def lookup_session(self, session_token: str) -> SessionBase | None:
        # allauth's asks whether the session exists, then reads it: two reads. Here a live session
        # is read once; only an empty or missing one is asked about again.
        session: SessionBase = import_module(settings.SESSION_ENGINE).SessionStore(session_token)
        return session if session.keys() or session.exists(session_token) else None


class SessionTokenAuthentication(XSessionTokenAuthentication):  # type: ignore[misc]  # untyped
    """allauth's X-Session-Token, refusing an unknown or ended token with 401."""

    # allauth's own lets it pass as anonymous: the client learns at once that it must log in again.
    allow_invalid_session_tokens = False


class SessionTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """The session token in the OpenAPI schema, as allauth's specification describes it."""

    target_class = "{{ cookiecutter.project_slug }}.users.authentication.SessionTokenAuthentication"
    name = "SessionToken"

    def get_security_definition(self, auto_schema: "AutoSchema") -> dict[str, str]:  # noqa: ARG002
        return {"type": "apiKey", "in": "header", "name": "X-Session-Token"}
