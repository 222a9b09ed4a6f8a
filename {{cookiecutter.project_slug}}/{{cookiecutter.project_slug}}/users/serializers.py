from typing import Any

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
    """Credentials; `code` from the authenticator app (or a recovery code) once MFA is on.

    The checks (lockout, inactive accounts, MFA) are in users/token_login.py.
    """
{% if cookiecutter.username_type == "email" %}
    email = serializers.EmailField(max_length=254)
{%- else %}
    username = serializers.CharField(max_length=150)
{%- endif %}
    password = serializers.CharField(
        max_length=4096, style={"input_type": "password"}, trim_whitespace=False
    )
    code = serializers.CharField(max_length=64, required=False, allow_blank=True)


class TokenResponseSerializer(serializers.Serializer[dict[str, Any]]):
    token = serializers.CharField()
    expiry = serializers.DateTimeField()
