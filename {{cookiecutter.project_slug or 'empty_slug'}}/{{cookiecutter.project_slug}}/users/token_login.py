"""The API token endpoint's log-in: the same lockout and checks as the site's log-in page."""

from typing import Any

from allauth.account.adapter import get_adapter
{%- if cookiecutter.allow_signup %}
from allauth.account.models import EmailAddress
{%- endif %}
from allauth.mfa.base.forms import AuthenticateForm
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from rest_framework import exceptions, serializers
from rest_framework.settings import api_settings

from .models import User

REFUSED = "Unable to log in with these credentials."
NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY


def authenticate_for_token(request: HttpRequest, credentials: dict[str, Any]) -> User:
    """The user the credentials prove, or an API error (400, 403; 429 during a lockout)."""
    login = {User.USERNAME_FIELD: credentials[User.USERNAME_FIELD]}
    try:
        # allauth counts the failure and refuses every attempt during a lockout.
        user = get_adapter(request).authenticate(request, **login, password=credentials["password"])
    except ValidationError as locked_out:
        raise exceptions.Throttled(
            wait=settings.LOGIN_LOCKOUT_SECONDS, detail=" ".join(locked_out.messages)
        ) from None
    if not isinstance(user, User):
        raise serializers.ValidationError({NON_FIELD: [REFUSED]})
    # allauth hands back a correct password of an inactive account, for its "inactive" page.
    if not user.is_active:
        raise serializers.ValidationError({NON_FIELD: ["This account is inactive."]})
{%- if cookiecutter.allow_signup %}
    if not EmailAddress.objects.filter(user=user, verified=True).exists():
        raise exceptions.PermissionDenied(
            "Verify your email address first: follow the link in the email we sent."
        )
{%- endif %}
    authenticators = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP)
    if authenticators.exists():
        code = AuthenticateForm(user=user, data={"code": credentials.get("code", "")})
        if not code.is_valid():
            raise serializers.ValidationError({"code": code.errors.get("code", [REFUSED])})
    elif settings.STAFF_REQUIRE_MFA and user.is_staff:
        raise exceptions.PermissionDenied(
            "Staff accounts need an authenticator app: set one up at /accounts/2fa/ first."
        )
    return user
