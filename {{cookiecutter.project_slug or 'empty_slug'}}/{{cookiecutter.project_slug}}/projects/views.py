"""Server-rendered pages: class-based views with mixins for the standard pages, one function."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, DetailView, ListView

from {{ cookiecutter.project_slug }}.users.current import current_user

from .forms import ProjectForm, TaskForm
from .models import Project, ProjectQuerySet, Task


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
    template_name = "projects/project_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["tasks"] = self.object.tasks.with_related()
        return context


class ProjectCreateView(LoginRequiredMixin, CreateView[Project, ProjectForm]):
    form_class = ProjectForm
    template_name = "projects/form.html"
    extra_context = {"heading": "New project"}

    def form_valid(self, form: ProjectForm) -> HttpResponse:
        form.instance.owner = current_user(self.request)
        return super().form_valid(form)


class TaskCreateView(LoginRequiredMixin, CreateView[Task, TaskForm]):
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


@require_POST
@login_required
def complete_task(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    """Mark a task done: one POST, no form, no template, so a plain function says it best."""
    task = get_object_or_404(Task.objects.for_user(current_user(request)), pk=pk)
    task.complete()
    messages.success(request, f"Done: {task.title}")
    return redirect("projects:detail", pk=task.project_id)
