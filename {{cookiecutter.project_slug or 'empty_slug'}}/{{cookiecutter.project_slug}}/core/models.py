"""Idempotency keys: a task that must act once runs its effect through `run_once`."""

from collections.abc import Callable
from typing import ClassVar

from django.db import models, transaction

from {{ cookiecutter.project_slug }}.core.fetching import FetchPolicyManager


class IdempotencyKeyManager(FetchPolicyManager["IdempotencyKey"]):
    def run_once(self, key: str, effect: Callable[[], object]) -> bool:
        """Run `effect` unless a run with this key committed before; return whether it ran."""
        # The key commits with the effect: if the effect fails, both roll back and the next run
        # tries again; a concurrent run waits on the unique index, then skips. An effect outside
        # the database (an email) happens twice only if the process dies before the commit.
        with transaction.atomic():
            _, created = self.get_or_create(key=key)
            if created:
                effect()
        return created


# Celery delivers a task at least once (a redelivery, a retry). A row, not a cache key: it commits
# or rolls back with the task's own writes, and no cache eviction forgets it.
class IdempotencyKey(models.Model):
    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[IdempotencyKeyManager] = IdempotencyKeyManager()

    def __str__(self) -> str:
        return self.key
