"""Django's user forms are bound to auth.User; these bind them to our model."""

from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from .models import User


class UserAdminCreationForm(AdminUserCreationForm[User]):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = (User.USERNAME_FIELD,)


class UserAdminChangeForm(UserChangeForm[User]):
    class Meta(UserChangeForm.Meta):
        model = User
