from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from . import services
from .models import Label, Project, Task


class TaskInline(admin.TabularInline[Task, Project]):
    model = Task
    fields = ["title", "assignee", "due_date", "completed_at"]
    readonly_fields = ["assignee", "completed_at"]  # assign on the task's page, which emails
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin[Project]):
    list_display = ["name", "owner", "created_at"]
    list_select_related = ["owner"]
    search_fields = ["name", "owner__email"]
    list_filter = ["created_at"]
    autocomplete_fields = ["owner"]
    inlines = [TaskInline]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin[Task]):
    list_display = ["title", "project", "assignee", "due_date", "completed_at"]
    list_select_related = ["project", "assignee"]
    list_filter = ["due_date", "completed_at", "labels"]
    search_fields = ["title", "project__name"]
    autocomplete_fields = ["project", "assignee", "labels"]

    def save_model(
        self, request: HttpRequest, obj: Task, form: ModelForm[Task], change: bool
    ) -> None:
        """Save the task as it was assigned before, then assign it as the form says (and email)."""
        assignee = form.cleaned_data.get("assignee")
        obj.assignee_id = form.initial.get("assignee")
        super().save_model(request, obj, form, change)
        services.assign_task(obj, assignee)


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin[Label]):
    list_display = ["name", "owner"]
    list_select_related = ["owner"]
    search_fields = ["name"]
