"""Token authentication: django-rest-knox's tokens, found with one query compiled once.

Knox's own class builds and compiles the ORM query for the presented token and its user on every
request, then sweeps all of the user's other tokens for expired ones (a second query). Here the
ORM compiles that same query once per process and database, and each request runs it with the
token's key as its parameter: a quarter of an authenticated read's time, measured in-process
(the template's benchmarks). The other tokens expire unused and are refused; housekeeping
deletes them in bulk. The rest is knox's: tokens are stored as digests and compared in constant
time, they expire, and an inactive user's tokens are refused.
"""

import functools
from dataclasses import dataclass
from hmac import compare_digest
from typing import Any

from django.db import connections, router
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS, knox_settings
from rest_framework.exceptions import AuthenticationFailed

from {{ cookiecutter.project_slug }}.fetching import lazy_fetch_mode

from .models import User

KEY_PLACEHOLDER = "token key placeholder"


@dataclass(frozen=True)
class TokenLookup:
    """`AuthToken.objects.filter(token_key=key).select_related("user")`, compiled by the ORM:
    its SQL and, from the compiler, which columns make the token and which its user."""

    alias: str
    compiler: SQLCompiler
    sql: str
    params: tuple[Any, ...]
    converters: dict[int, Any]  # the backend's, e.g. SQLite's for datetimes and booleans
    token_columns: tuple[int, ...]
    token_names: tuple[str, ...]  # the attribute each of token_columns sets
    user_columns: tuple[int, ...]
    user_names: tuple[str, ...]

    @classmethod
    def compile(cls, alias: str) -> "TokenLookup":
        queryset = AuthToken.objects.filter(token_key=KEY_PLACEHOLDER).select_related("user")
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        token_info = compiler.klass_info or {}
        (user_info,) = token_info["related_klass_infos"]

        def names(columns: tuple[int, ...]) -> tuple[str, ...]:
            return tuple(compiler.select[i][0].target.attname for i in columns)

        token_columns = tuple(token_info["select_fields"])
        user_columns = tuple(user_info["select_fields"])
        converters = compiler.get_converters([column for column, _, _ in compiler.select])
        return cls(
            alias,
            compiler,
            sql,
            params,
            converters,
            token_columns,
            names(token_columns),
            user_columns,
            names(user_columns),
        )

    def tokens(self, key: str) -> list[AuthToken]:
        """The tokens with this key (one, but for a collision), each with its user."""
        params = [key if param == KEY_PLACEHOLDER else param for param in self.params]
        with connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        found = []
        mode = lazy_fetch_mode()
        for row in self.compiler.apply_converters(rows, self.converters):
            token_values = [row[i] for i in self.token_columns]
            token = AuthToken.from_db(self.alias, self.token_names, token_values, fetch_mode=mode)
            user_values = [row[i] for i in self.user_columns]
            token.user = User.from_db(self.alias, self.user_names, user_values, fetch_mode=mode)
            found.append(token)
        return found


@functools.cache
def token_lookup(alias: str) -> TokenLookup:
    return TokenLookup.compile(alias)


class TokenAuthentication(KnoxTokenAuthentication):  # type: ignore[misc]  # knox has no types
    """Knox tokens (hashed at rest, expiring, revocable), one precompiled query a request."""

    def authenticate_credentials(self, token: bytes) -> tuple[User, AuthToken]:
        try:
            text = token.decode()
        except UnicodeDecodeError:  # knox lets this through as a server error
            raise AuthenticationFailed(_("Invalid token.")) from None
        lookup = token_lookup(router.db_for_read(AuthToken))
        for auth_token in lookup.tokens(text[: CONSTANTS.TOKEN_KEY_LENGTH]):
            if self._cleanup_token(auth_token):
                continue
            if compare_digest(hash_token(text), auth_token.digest):
                if knox_settings.AUTO_REFRESH and auth_token.expiry:
                    self.renew_token(auth_token)
                user_and_token: tuple[User, AuthToken] = self.validate_user(auth_token)
                return user_and_token
        raise AuthenticationFailed(_("Invalid token."))

    def _cleanup_token(self, auth_token: AuthToken) -> bool:
        """Delete the presented token if it has expired (knox also sweeps the user's others)."""
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


class TokenScheme(KnoxTokenScheme):  # type: ignore[no-untyped-call]  # an untyped registry
    """Describe these tokens in the OpenAPI schema as drf-spectacular describes knox's."""

    target_class = "{{ cookiecutter.project_slug }}.users.authentication.TokenAuthentication"
