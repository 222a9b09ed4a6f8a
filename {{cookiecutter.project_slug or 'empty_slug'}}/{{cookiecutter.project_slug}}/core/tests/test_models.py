import pytest

from {{ cookiecutter.project_slug }}.core.models import IdempotencyKey

pytestmark = pytest.mark.django_db


class Effect:
    """An effect that counts its runs, and fails the first `failures` of them."""

    def __init__(self, failures: int = 0) -> None:
        self.runs = 0
        self.failures = failures

    def __call__(self) -> None:
        self.runs += 1
        if self.runs <= self.failures:
            raise ConnectionError("the mail server hung up")


def test_first_run_has_its_effect_and_records_the_key() -> None:
    effect = Effect()

    ran = IdempotencyKey.objects.run_once("welcome:1", effect)

    assert ran is True
    assert effect.runs == 1
    assert IdempotencyKey.objects.filter(key="welcome:1").exists()


def test_second_run_with_the_same_key_does_nothing() -> None:
    effect = Effect()
    IdempotencyKey.objects.run_once("welcome:1", effect)

    ran = IdempotencyKey.objects.run_once("welcome:1", effect)

    assert ran is False
    assert effect.runs == 1


def test_other_keys_run_independently() -> None:
    effect = Effect()

    IdempotencyKey.objects.run_once("welcome:1", effect)
    IdempotencyKey.objects.run_once("welcome:2", effect)

    assert effect.runs == 2


def test_failed_effect_leaves_no_key_so_that_a_retry_runs_it() -> None:
    effect = Effect(failures=1)
    with pytest.raises(ConnectionError):
        IdempotencyKey.objects.run_once("welcome:1", effect)

    ran = IdempotencyKey.objects.run_once("welcome:1", effect)

    assert ran is True
    assert effect.runs == 2
    assert IdempotencyKey.objects.count() == 1


def test_database_writes_of_a_failed_effect_roll_back_with_the_key() -> None:
    def write_then_fail() -> None:
        IdempotencyKey.objects.create(key="written by the effect")
        raise ConnectionError

    with pytest.raises(ConnectionError):
        IdempotencyKey.objects.run_once("welcome:1", write_then_fail)

    assert not IdempotencyKey.objects.exists()


def test_key_reads_as_itself() -> None:
    assert str(IdempotencyKey(key="welcome:1")) == "welcome:1"
