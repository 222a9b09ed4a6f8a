"""The example app's API: thin views that scope querysets to the user and call model methods
and services.py.
"""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from {{ cookiecutter.project_slug }}.users.current import current_user

from .filters import TaskFilter
from .models import Label, Project, Task
from .permissions import IsProjectOwnerOrAssignee
from .serializers import LabelSerializer, ProjectSerializer, TaskSerializer


class ProjectViewSet(viewsets.ModelViewSet[Project]):
    """Your projects. Other users' projects do not exist for you (404)."""

    queryset = Project.objects.none()  # for the schema; get_queryset() picks the user's rows
    serializer_class = ProjectSerializer
    ordering_fields = ["name", "created_at"]

    def get_queryset(self) -> QuerySet[Project]:
        return Project.objects.owned_by(current_user(self.request)).with_task_counts()

    def perform_create(self, serializer: BaseSerializer[Project]) -> None:
        project = serializer.save()
        serializer.instance = self.get_queryset().get(pk=project.pk)  # with its task counts


class TaskViewSet(viewsets.ModelViewSet[Task]):
    """Tasks in your projects and tasks assigned to you; assignees may only read and complete."""

    queryset = Task.objects.none()  # for the schema
    serializer_class = TaskSerializer
    permission_classes = [IsAuthenticated, IsProjectOwnerOrAssignee]
    filterset_class = TaskFilter
    ordering_fields = ["due_date", "created_at", "title"]

    def get_queryset(self) -> QuerySet[Task]:
        return Task.objects.for_user(current_user(self.request)).with_related()

    @extend_schema(request=None)  # no body: the path says it all
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:  # noqa: ARG002  # the router passes pk
        task = self.get_object()
        task.complete()
        return Response(self.get_serializer(task).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str) -> Response:  # noqa: ARG002
        task = self.get_object()
        task.reopen()
        return Response(self.get_serializer(task).data)


class LabelListCreateView(generics.ListCreateAPIView[Label]):
    """Your labels: a list and a create are all they need, so no ViewSet."""

    queryset = Label.objects.none()  # for the schema
    serializer_class = LabelSerializer

    def get_queryset(self) -> QuerySet[Label]:
        return Label.objects.owned_by(current_user(self.request))
