"""Projects, tasks and labels. Business rules live here; views translate HTTP to these calls."""

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
{%- if cookiecutter.use_celery %}
from django.db import models
{%- else %}
from django.db import models, transaction
{%- endif %}
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

{% if cookiecutter.use_celery -%}
from config.celery import enqueue_on_commit
{% endif -%}
from {{ cookiecutter.project_slug }}.fetching import FetchPolicyManager

if TYPE_CHECKING:
    from {{ cookiecutter.project_slug }}.users.models import User


class Label(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="labels")
    name = models.CharField(max_length=50)

    objects = FetchPolicyManager["Label"]()

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

    def complete(self) -> None:
        if not self.is_done:
            self.completed_at = timezone.now()
            self.save(update_fields=["completed_at"])

    def reopen(self) -> None:
        self.completed_at = None
        self.save(update_fields=["completed_at"])

    def assign(self, user: "User | None") -> None:
        """Give the task to `user` and tell them, once the change is committed."""
        if (user.pk if user else None) == self.assignee_id:
            return
        self.assignee = user
        self.save(update_fields=["assignee"])
        if user is not None:
{%- if cookiecutter.use_celery %}
            from .tasks import email_assignee  # noqa: PLC0415  # tasks.py imports this module

            enqueue_on_commit(email_assignee, self.pk)
{%- else %}
            transaction.on_commit(self.email_assignee)
{%- endif %}

    def email_assignee(self) -> None:
        """Tell the assignee about the task (select project and assignee when loading it)."""
        if self.assignee is None:
            return
        send_mail(
            subject=f"You have a new task: {self.title}",
            message=f"{self.title}\n\nProject: {self.project}\nDue: {self.due_date or 'no date'}",
            from_email=None,
            recipient_list=[self.assignee.email],
        )
