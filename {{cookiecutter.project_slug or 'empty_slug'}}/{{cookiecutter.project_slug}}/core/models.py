"""Idempotency keys: how a task has its effect once, however many times it runs.

Celery delivers a task at least once: a redelivery after a worker died, a retry or a second
enqueue runs it again. A task that must act once runs its effect through `run_once`. A row in
the database rather than a cache key (`cache.add`): the key commits or rolls back together
with the task's own writes, a cache flush or eviction cannot forget it, and a concurrent run
waits for the first one instead of racing it.
"""

from collections.abc import Callable
from typing import ClassVar

from django.db import models, transaction

from {{ cookiecutter.project_slug }}.core.fetching import FetchPolicyManager


class IdempotencyKeyManager(FetchPolicyManager["IdempotencyKey"]):
    def run_once(self, key: str, effect: Callable[[], object]) -> bool:
        """Run `effect` unless a run with this key completed before; return whether it ran.

        The key is inserted in the transaction that runs the effect. If the effect raises or the
        process dies, the transaction rolls back with the key, and the next run tries again. A
        concurrent run with the same key waits on the unique index until this one commits (on
        PostgreSQL; SQLite has one writer at a time), then finds the key and skips.

        Database writes made by `effect` thus happen exactly once. An effect outside the
        database (an email, an HTTP call) happens at least once: twice only if the process dies
        after the effect and before the commit.
        """
        with transaction.atomic():
            _, created = self.get_or_create(key=key)
            if created:
                effect()
        return created


class IdempotencyKey(models.Model):
    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[IdempotencyKeyManager] = IdempotencyKeyManager()

    def __str__(self) -> str:
        return self.key
