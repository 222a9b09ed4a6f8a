from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.users.current import current_user

from .models import Task


class IsProjectOwnerOrAssignee(BasePermission):
    """The project's owner may do anything with a task; its assignee may read and complete it."""

    assignee_actions = frozenset({"complete", "reopen"})

    def has_object_permission(self, request: Request, view: APIView, obj: Task) -> bool:
        user = current_user(request)
        if obj.project.owner_id == user.pk:
            return True
        is_assignee = obj.assignee_id == user.pk
        action = getattr(view, "action", None)
        return is_assignee and (request.method in SAFE_METHODS or action in self.assignee_actions)
