"""Lazy fetches fail loudly in tests and development, and batch up in production."""

import pytest
from django.core.exceptions import FieldFetchBlocked
from django.test import override_settings
from pytest_django import DjangoAssertNumQueries

from {{ cookiecutter.project_slug }}.users.models import User
from {{ cookiecutter.project_slug }}.users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_lazy_fetch_raises_in_tests(user: User) -> None:
    loaded = User.objects.only("pk").get(pk=user.pk)

    with pytest.raises(FieldFetchBlocked):
        _ = loaded.first_name


@override_settings(RAISE_ON_LAZY_FETCH=False)
def test_production_fetches_for_all_peers_at_once(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    UserFactory.create_batch(3)
    peers = list(User.objects.only("pk"))

    with django_assert_num_queries(1):  # one query for every peer
        names = [peer.first_name for peer in peers]

    assert len(names) == 3
