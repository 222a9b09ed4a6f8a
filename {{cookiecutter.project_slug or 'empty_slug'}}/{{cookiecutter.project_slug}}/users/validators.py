from django.core.exceptions import ValidationError

from .models import User


class MaximumLengthValidator:
    """Refuse passwords longer than any person types: hashing megabytes is a denial of service."""

    def __init__(self, max_length: int = 4096) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: User | None = None) -> None:  # noqa: ARG002
        if len(password) > self.max_length:
            raise ValidationError(
                f"This password is too long: at most {self.max_length} characters.",
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return f"Your password can have at most {self.max_length} characters."
