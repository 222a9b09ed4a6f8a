import django_filters

from .models import Task, TaskQuerySet


class TaskFilter(django_filters.FilterSet):
    done = django_filters.BooleanFilter(method="filter_done", label="Done")
    # One label id per request: an exact lookup, which Django keeps within the column's range
    # (a multiple-choice filter's IN lookup sends any integer to the database).
    labels = django_filters.NumberFilter(field_name="labels", label="Label id")

    class Meta:
        model = Task
        fields = ["project", "assignee", "labels", "done"]

    def filter_done(self, queryset: TaskQuerySet, name: str, value: bool) -> TaskQuerySet:  # noqa: ARG002  # django-filter's signature
        return queryset.done() if value else queryset.open()
