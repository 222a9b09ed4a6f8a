from typing import Any

from django.contrib.auth import authenticate
from rest_framework import serializers

from .models import User


class UserSerializer(serializers.ModelSerializer[User]):
    class Meta:
        model = User
        fields = [
            "id",
{%- if cookiecutter.username_type == "username" %}
            "username",
{%- endif %}
            "email",
            "first_name",
            "last_name",
        ]
        # The login and email identify the account: changing them needs a verified flow.
        read_only_fields = ["id", User.USERNAME_FIELD, "email"]


class TokenRequestSerializer(serializers.Serializer[dict[str, Any]]):
    """Credentials in, an authenticated (active) user out."""
{% if cookiecutter.username_type == "email" %}
    email = serializers.EmailField()
{%- else %}
    username = serializers.CharField()
{%- endif %}
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        user = authenticate(
            self.context.get("request"),
            username=attrs[User.USERNAME_FIELD],
            password=attrs["password"],
        )
        if user is None:
            raise serializers.ValidationError("Unable to log in with these credentials.")
        return {"user": user}


class TokenResponseSerializer(serializers.Serializer[dict[str, Any]]):
    token = serializers.CharField()
    expiry = serializers.DateTimeField()
