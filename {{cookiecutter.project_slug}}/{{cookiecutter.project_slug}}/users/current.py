from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.request import Request

from .models import User


def current_user(request: HttpRequest | Request) -> User:
    """The signed-in user, for views that only let signed-in users through; else 403."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user
