"""The policy for lazy fetches of related and deferred fields (Django 6.1), for every manager."""

from django.conf import settings
from django.db import models


class FetchPolicyManager[M: models.Model](models.Manager[M]):
    def get_queryset(self) -> models.QuerySet[M]:
        # Development and tests raise on any lazy fetch, so a forgotten select_related() fails
        # loudly instead of quietly costing one query per row. Production fetches for all peers
        # at once, so a miss that slipped through costs two queries, not N+1.
        mode = models.FETCH_RAISE if settings.RAISE_ON_LAZY_FETCH else models.FETCH_PEERS
        return super().get_queryset().fetch_mode(mode)
