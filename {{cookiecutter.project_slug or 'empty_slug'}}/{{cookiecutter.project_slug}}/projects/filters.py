import django_filters

from .models import Label, Task, TaskQuerySet


class TaskFilter(django_filters.FilterSet):
    done = django_filters.BooleanFilter(method="filter_done", label="Done")
    # One label per request, checked as project and assignee are: an id that is no label's (out
    # of the column's range included) is a 400. A number filter sent any number to the database,
    # where one beyond the column's range was a server error; a multiple-choice filter's IN lookup
    # does the same.
    labels = django_filters.ModelChoiceFilter(queryset=Label.objects.all(), label="Label")

    class Meta:
        model = Task
        fields = ["project", "assignee", "labels", "done"]

    def filter_done(self, queryset: TaskQuerySet, name: str, value: bool) -> TaskQuerySet:  # noqa: ARG002  # django-filter's signature
        return queryset.done() if value else queryset.open()
