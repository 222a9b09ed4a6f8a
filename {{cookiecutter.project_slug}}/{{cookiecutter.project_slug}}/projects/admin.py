from django.contrib import admin

from .models import Label, Project, Task


class TaskInline(admin.TabularInline[Task, Project]):
    model = Task
    fields = ["title", "assignee", "due_date", "completed_at"]
    readonly_fields = ["completed_at"]
    autocomplete_fields = ["assignee"]
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


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin[Label]):
    list_display = ["name", "owner"]
    list_select_related = ["owner"]
    search_fields = ["name"]
