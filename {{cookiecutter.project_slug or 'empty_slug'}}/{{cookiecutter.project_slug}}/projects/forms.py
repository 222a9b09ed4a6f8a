from typing import Any, cast

from django import forms

from {{ cookiecutter.project_slug }}.users.models import User

from . import services
from .models import Label, Project, Task


class ProjectForm(forms.ModelForm[Project]):
    class Meta:
        model = Project
        fields = ["name"]


class TaskForm(forms.ModelForm[Task]):
    """A task in one of the user's projects, with the user's labels."""

    # Not bound to the model field: assigning goes through services.assign_task(), which emails.
    assignee = forms.ModelChoiceField(queryset=User.objects.filter(is_active=True), required=False)

    class Meta:
        model = Task
        fields = ["project", "title", "description", "labels", "due_date"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        projects = cast("forms.ModelChoiceField[Project]", self.fields["project"])
        projects.queryset = Project.objects.owned_by(user)
        labels = cast("forms.ModelMultipleChoiceField[Label]", self.fields["labels"])
        labels.queryset = Label.objects.owned_by(user)
        self.initial.setdefault("assignee", self.instance.assignee_id)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        Task.check_schedule(
            assigned=cleaned.get("assignee") is not None, due_date=cleaned.get("due_date")
        )
        return cleaned

    def save(self, commit: bool = True) -> Task:
        task = super().save(commit=commit)
        services.assign_task(task, self.cleaned_data["assignee"])
        return task
