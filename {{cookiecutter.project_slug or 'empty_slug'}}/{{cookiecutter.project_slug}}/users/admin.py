from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.forms import ModelForm
from django.http import HttpRequest
{%- if cookiecutter.username_type == "email" %}
from django.utils.translation import gettext_lazy as _
{%- endif %}

from . import services
from .models import User


# Django's user forms name auth.User; the admin builds them for this model (ModelAdmin.get_form).
@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
{%- if cookiecutter.username_type == "email" %}
    # Django's UserAdmin assumes a username; email login replaces it everywhere. Its other
    # sections (permissions, important dates) stay as they are.
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name")}),
        *(DjangoUserAdmin.fieldsets or ())[2:],
    )
    add_fields = ("email", "usable_password", "password1", "password2")
    add_fieldsets = ((None, {"classes": ("wide",), "fields": add_fields}),)
    list_display = ("email", "first_name", "last_name", "is_staff", "is_active")
    search_fields = ("email", "first_name", "last_name")
    ordering = ("email",)
{%- else %}
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "is_active")
{%- endif %}
    list_filter = ("is_staff", "is_superuser", "is_active")

    def save_model(
        self, request: HttpRequest, obj: User, form: ModelForm[User], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            services.welcome_new_user(obj)
