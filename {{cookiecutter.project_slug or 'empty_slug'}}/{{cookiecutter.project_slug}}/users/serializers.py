from typing import Any

from rest_framework import serializers

from .models import User


class UserSerializer(serializers.Serializer[User]):
    """A user's profile. A plain Serializer: the fields are few and fixed, and it renders about
    six times faster than a ModelSerializer, which builds its fields from the model each time.
    The login and email identify the account: changing them needs a verified flow."""

    id = serializers.IntegerField(read_only=True)
{%- if cookiecutter.username_type == "username" %}
    username = serializers.CharField(read_only=True)
{%- endif %}
    email = serializers.EmailField(read_only=True)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)

    def update(self, instance: User, validated_data: dict[str, Any]) -> User:
        for name, value in validated_data.items():
            setattr(instance, name, value)
        instance.save(update_fields=list(validated_data))
        return instance


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
