"""Projects, tasks and labels. Business rules live here; operations with side effects (emails,
tasks) in services.py; views translate HTTP to these calls.
"""

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from {{ cookiecutter.project_slug }}.core.fetching import FetchPolicyManager

if TYPE_CHECKING:
    from {{ cookiecutter.project_slug }}.users.models import User


class LabelQuerySet(models.QuerySet["Label"]):
    def owned_by(self, user: "User") -> "LabelQuerySet":
        return self.filter(owner=user)


LabelManager = FetchPolicyManager.from_queryset(LabelQuerySet)


class Label(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="labels")
    name = models.CharField(max_length=50)

    objects = LabelManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="unique_label_name_per_owner"),
        ]

    def __str__(self) -> str:
        return self.name


class ProjectQuerySet(models.QuerySet["Project"]):
    def owned_by(self, user: "User") -> "ProjectQuerySet":
        return self.filter(owner=user)

    def with_task_counts(self) -> "ProjectQuerySet":
        """Open and total task counts, computed by the database in the same query."""
        counted = self.annotate(
            open_task_count=models.Count("tasks", filter=Q(tasks__completed_at__isnull=True)),
            task_count=models.Count("tasks"),
        )
        return counted.order_by("-created_at", "-pk")  # grouping ignores Meta.ordering


ProjectManager = FetchPolicyManager.from_queryset(ProjectQuerySet)


class Project(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="projects")
    name = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProjectManager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.pk])


class TaskQuerySet(models.QuerySet["Task"]):
    def open(self) -> "TaskQuerySet":
        return self.filter(completed_at__isnull=True)

    def done(self) -> "TaskQuerySet":
        return self.filter(completed_at__isnull=False)

    def overdue(self) -> "TaskQuerySet":
        return self.open().filter(due_date__lt=timezone.localdate())

    def with_status(self, status: str) -> "TaskQuerySet":
        """The task list's filter: "open", "done", or anything else for every task."""
        if status == "open":
            return self.open()
        if status == "done":
            return self.done()
        return self

    def for_user(self, user: "User") -> "TaskQuerySet":
        """Tasks a user may see: those in their projects and those assigned to them."""
        return self.filter(Q(project__owner=user) | Q(assignee=user))

    def with_related(self) -> "TaskQuerySet":
        """Everything a task list shows, in two queries for any number of tasks."""
        return self.select_related("project", "assignee").prefetch_related("labels")


TaskManager = FetchPolicyManager.from_queryset(TaskQuerySet)


class Task(models.Model):
    project = models.ForeignKey(Project, models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tasks",
    )
    labels = models.ManyToManyField(Label, blank=True, related_name="tasks")
    due_date = models.DateField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TaskManager()

    class Meta:
        ordering = ["completed_at", "due_date", "pk"]

    def __str__(self) -> str:
        return self.title

    @staticmethod
    def check_schedule(*, assigned: bool, due_date: date | None) -> None:
        """A task given to someone needs a due date. Forms, the admin and the API all ask here."""
        if assigned and due_date is None:
            raise ValidationError({"due_date": "Give a due date to a task you assign."})

    @property
    def is_done(self) -> bool:
        return self.completed_at is not None

    @property
    def is_overdue(self) -> bool:
        return (
            not self.is_done and self.due_date is not None and self.due_date < timezone.localdate()
        )

    def complete(self) -> None:
        if not self.is_done:
            self.completed_at = timezone.now()
            self.save(update_fields=["completed_at"])

    def reopen(self) -> None:
        self.completed_at = None
        self.save(update_fields=["completed_at"])

    def assignment_email(self, assignee: "User") -> EmailMessage:
        """What tells `assignee` about this task (load the task's project with it)."""
        return EmailMessage(
            subject=f"You have a new task: {self.title}",
            body=f"{self.title}\n\nProject: {self.project}\nDue: {self.due_date or 'no date'}",
            to=[assignee.email],
        )
