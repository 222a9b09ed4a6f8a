import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from rest_framework import serializers

from {{ cookiecutter.project_slug }}.users.current import CurrentUserDefault, current_user
from {{ cookiecutter.project_slug }}.users.models import User


def test_current_user_is_the_signed_in_user(rf: RequestFactory, user: User) -> None:
    request = rf.get("/")
    request.user = user

    assert current_user(request) == user


def test_current_user_refuses_anonymous(rf: RequestFactory) -> None:
    request = rf.get("/")
    request.user = AnonymousUser()

    with pytest.raises(PermissionDenied):
        current_user(request)


def test_serializer_default_is_the_current_user(rf: RequestFactory, user: User) -> None:
    request = rf.get("/")
    request.user = user
    field = serializers.HiddenField(default=CurrentUserDefault())
    field.bind("owner", serializers.Serializer(context={"request": request}))

    assert field.get_default() == user
