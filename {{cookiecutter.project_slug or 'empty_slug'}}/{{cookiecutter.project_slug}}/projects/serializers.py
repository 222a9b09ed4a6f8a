from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers

from {{ cookiecutter.project_slug }}.users.current import CurrentUserDefault, current_user
from {{ cookiecutter.project_slug }}.users.models import User

from . import services
from .models import Label, Project, Task


class LabelSerializer(serializers.ModelSerializer[Label]):
    owner = serializers.HiddenField(default=CurrentUserDefault())

    class Meta:
        model = Label
        fields = ["id", "name", "owner"]


class ProjectSerializer(serializers.ModelSerializer[Project]):
    owner = serializers.HiddenField(default=CurrentUserDefault())
    task_count = serializers.IntegerField(read_only=True)
    open_task_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Project
        fields = ["id", "name", "created_at", "task_count", "open_task_count", "owner"]


class OwnProjectField(serializers.PrimaryKeyRelatedField[Project]):
    """Only the requesting user's projects can be chosen."""

    def get_queryset(self) -> QuerySet[Project]:
        return Project.objects.owned_by(current_user(self.context["request"]))


class OwnLabelField(serializers.PrimaryKeyRelatedField[Label]):
    """Only the requesting user's labels can be chosen."""

    def get_queryset(self) -> QuerySet[Label]:
        return Label.objects.owned_by(current_user(self.context["request"]))


class TaskSerializer(serializers.ModelSerializer[Task]):
    project = OwnProjectField()
    labels = OwnLabelField(many=True, required=False)
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )

    class Meta:
        model = Task
        fields = [
            "id",
            "project",
            "title",
            "description",
            "assignee",
            "labels",
            "due_date",
            "is_done",
            "completed_at",
            "created_at",
        ]
        read_only_fields = ["completed_at", "created_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        current = self.instance
        assigned = (
            attrs["assignee"] is not None
            if "assignee" in attrs
            else current is not None and current.assignee_id is not None
        )
        due_date = attrs.get("due_date", current.due_date if current else None)
        Task.check_schedule(assigned=assigned, due_date=due_date)
        return attrs

    def create(self, validated_data: dict[str, Any]) -> Task:
        assignee = validated_data.pop("assignee", None)
        task = super().create(validated_data)
        services.assign_task(task, assignee)
        return task

    def update(self, instance: Task, validated_data: dict[str, Any]) -> Task:
        if "assignee" in validated_data:
            services.assign_task(instance, validated_data.pop("assignee"))
        return super().update(instance, validated_data)
