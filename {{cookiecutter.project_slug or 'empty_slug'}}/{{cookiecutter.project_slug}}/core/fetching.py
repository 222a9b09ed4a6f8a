"""The project's policy for lazy fetches of related and deferred fields (Django 6.1 fetch modes).

Development and tests raise on any lazy fetch, so a forgotten select_related() fails loudly
instead of quietly costing one query per row. Production fetches for all peers at once, so a
miss that slipped through costs two queries, not N+1. Every model manager applies it.
"""

from django.conf import settings
from django.db import models
from django.db.models.fetch_modes import FetchMode


def lazy_fetch_mode() -> FetchMode:
    return models.FETCH_RAISE if settings.RAISE_ON_LAZY_FETCH else models.FETCH_PEERS


class FetchPolicyManager[M: models.Model](models.Manager[M]):
    """A manager whose querysets follow the policy above."""

    def get_queryset(self) -> models.QuerySet[M]:
        return super().get_queryset().fetch_mode(lazy_fetch_mode())
