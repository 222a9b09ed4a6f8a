"""Server-rendered pages: class-based views with mixins for the standard pages, functions for
the two one-button actions.

Every page works with plain links, form posts and redirects. With JavaScript on, htmx sends the
same requests with an HX-Request header, and the views answer with a partial of the page's
template (Django's template partials) that htmx swaps in place of the old one.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, DetailView, ListView

from {{ cookiecutter.project_slug }}.users.current import current_user

from .forms import ProjectForm, TaskForm
from .models import Project, ProjectQuerySet, Task

# The task list's filter: (value of ?status=, link text).
TASK_FILTERS = [("all", "All"), ("open", "Open"), ("done", "Done")]
TASKS_PARTIAL = "projects/project_detail.html#tasks"
TASK_ROW_PARTIAL = "projects/project_detail.html#task-row"


def from_htmx(request: HttpRequest) -> bool:
    """htmx marks its requests; without JavaScript the browser loads whole pages."""
    return request.headers.get("HX-Request") == "true"


def tasks_context(project: Project, form: TaskForm, status: str = "all") -> dict[str, Any]:
    """What the project page's task section shows: the add form, the filter, the tasks."""
    return {
        "project": project,
        "task_form": form,
        "status": status,
        "filters": TASK_FILTERS,
        "tasks": project.tasks.with_related().with_status(status),
    }


class OwnProjectsMixin(LoginRequiredMixin):
    """Signed-in users see only their own projects; anyone else's is a 404."""

    request: HttpRequest

    def get_queryset(self) -> ProjectQuerySet:
        return Project.objects.owned_by(current_user(self.request))


class ProjectListView(OwnProjectsMixin, ListView[Project]):
    template_name = "projects/project_list.html"
    paginate_by = 20

    def get_queryset(self) -> ProjectQuerySet:
        return super().get_queryset().with_task_counts()


class ProjectDetailView(OwnProjectsMixin, DetailView[Project]):
    """The project's tasks; htmx asks for the task section alone when the filter changes."""

    def get_template_names(self) -> list[str]:
        return [TASKS_PARTIAL if from_htmx(self.request) else "projects/project_detail.html"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        form = TaskForm(user=current_user(self.request))
        status = self.request.GET.get("status", "all")
        return {**super().get_context_data(**kwargs), **tasks_context(self.object, form, status)}


class ProjectCreateView(LoginRequiredMixin, CreateView[Project, ProjectForm]):
    form_class = ProjectForm
    template_name = "projects/form.html"
    extra_context = {"heading": "New project"}

    def form_valid(self, form: ProjectForm) -> HttpResponse:
        form.instance.owner = current_user(self.request)
        return super().form_valid(form)


class TaskCreateView(LoginRequiredMixin, CreateView[Task, TaskForm]):
    """The full task form; the project page's one-line form posts here too, through htmx."""

    form_class = TaskForm
    template_name = "projects/form.html"
    extra_context = {"heading": "New task"}

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": current_user(self.request)}

    def get_initial(self) -> dict[str, Any]:
        return {"project": self.request.GET.get("project")}

    def get_success_url(self) -> str:
        assert self.object is not None  # noqa: S101  # set by form_valid
        return reverse("projects:detail", args=[self.object.project_id])

    def form_valid(self, form: TaskForm) -> HttpResponse:
        response = super().form_valid(form)
        if not from_htmx(self.request):
            return response
        # A fresh, empty form under the updated list, ready for the next task.
        blank = TaskForm(user=current_user(self.request))
        return render(
            self.request, TASKS_PARTIAL, tasks_context(form.cleaned_data["project"], blank)
        )

    def form_invalid(self, form: TaskForm) -> HttpResponse:
        project = form.cleaned_data.get("project")
        if from_htmx(self.request) and project is not None:
            return render(self.request, TASKS_PARTIAL, tasks_context(project, form))
        return super().form_invalid(form)


def own_task(request: HttpRequest, pk: int) -> Task:
    return get_object_or_404(Task.objects.for_user(current_user(request)).with_related(), pk=pk)


def task_changed(request: HttpRequest, task: Task, message: str) -> HttpResponse:
    """htmx swaps the task's row in place; a plain post goes back to the project's page."""
    if from_htmx(request):
        return render(request, TASK_ROW_PARTIAL, {"task": task})
    messages.success(request, message)
    return redirect("projects:detail", pk=task.project_id)


@require_POST
@login_required
def complete_task(request: HttpRequest, pk: int) -> HttpResponse:
    task = own_task(request, pk)
    task.complete()
    return task_changed(request, task, f"Done: {task.title}")


@require_POST
@login_required
def reopen_task(request: HttpRequest, pk: int) -> HttpResponse:
    task = own_task(request, pk)
    task.reopen()
    return task_changed(request, task, f"Reopened: {task.title}")
