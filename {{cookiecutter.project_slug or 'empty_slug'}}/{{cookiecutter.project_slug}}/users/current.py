from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework import serializers
from rest_framework.request import Request

from .models import User


def current_user(request: HttpRequest | Request) -> User:
    """The signed-in user, for views that only let signed-in users through; else 403."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


class CurrentUserDefault(serializers.CurrentUserDefault):
    """DRF's default for a serializer field that holds the current user, read by current_user()."""

    def __call__(self, serializer_field: serializers.Field[Any, Any, Any, Any]) -> User:
        return current_user(serializer_field.context["request"])
