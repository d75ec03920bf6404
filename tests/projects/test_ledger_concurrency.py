"""Many commits on one resource at the same moment never spend more than it has.

`ledger_commit` locks the resource row (SELECT … FOR UPDATE) before checking what is left, so
on PostgreSQL concurrent commits queue on the lock and each sees the totals of the ones before
it; the check constraint `resource_never_overspent` is the second line. The threaded tests run
on PostgreSQL only: SQLite has no row locks (the settings' IMMEDIATE transactions serialise
every writer) and its shared-cache in-memory test database answers concurrent writers with
"database table is locked" rather than waiting. On SQLite the same numbers are checked by
`test_the_same_numbers_one_after_another`, which runs everywhere without threads.
"""

import random
import threading
from decimal import Decimal

import pytest
from django.db import connection

from core.errors import InsufficientFunds
from projects import services
from projects.models import FundingResource, LedgerEntry
from tests import factories as f

from .conftest import assert_consistent, ledger_state

D = Decimal
AMOUNT = D("100000.00")
THREADS = 20
EACH = D("7000.00")

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks and real concurrent writers need PostgreSQL (set DATABASE_URL)",
)


def run_at_once(resource, amounts, actor=None):
    """Commit each amount from its own thread, all released together by a barrier.

    Returns (successes, failures, lowest available seen by a watcher while they ran):
    successes are amounts, failures are (amount, exception).
    """
    barrier = threading.Barrier(len(amounts) + 1)  # the workers and the watcher
    done = threading.Event()
    lock = threading.Lock()
    successes, failures, seen = [], [], []

    def worker(amount):
        try:
            barrier.wait(timeout=30)
            services.ledger_commit(
                actor=actor, resource=FundingResource(pk=resource.pk), amount=amount
            )
        except Exception as exc:
            with lock:
                failures.append((amount, exc))
        else:
            with lock:
                successes.append(amount)
        finally:
            connection.close()

    def watcher():
        try:
            barrier.wait(timeout=30)
            while not done.is_set():
                row = FundingResource.objects.values("amount", "committed").get(pk=resource.pk)
                seen.append(row["amount"] - row["committed"])
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(amount,)) for amount in amounts]
    watching = threading.Thread(target=watcher)
    for thread in [*threads, watching]:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    done.set()
    watching.join(timeout=60)
    assert not any(t.is_alive() for t in [*threads, watching]), "a thread hung"
    return successes, failures, min(seen, default=AMOUNT)


@pytest.fixture
def shared_resource(transactional_db):
    """Committed for real (the threads use their own connections, outside any test
    transaction); `transaction=True` flushes the tables afterwards."""
    return f.FundingResourceFactory(name="并发测试资金", amount=AMOUNT)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_twenty_commits_of_7000_at_once(shared_resource):
    actor = f.OfficialFactory().user
    successes, failures, lowest = run_at_once(shared_resource, [EACH] * THREADS, actor=actor)

    assert len(successes) + len(failures) == THREADS
    assert len(successes) * EACH <= AMOUNT
    assert len(successes) == int(AMOUNT // EACH) == 14
    # Every refusal is the domain's, not a lock timeout, a deadlock or a constraint error.
    assert all(isinstance(exc, InsufficientFunds) for _, exc in failures), failures
    assert all(exc.code == "insufficient_funds" for _, exc in failures)

    state = ledger_state(shared_resource)
    assert state.committed == state.commits == len(successes) * EACH == D("98000.00")
    assert state.entries == len(successes)
    assert state.available == D("2000.00")
    assert lowest >= 0
    assert_consistent(state)
    assert set(LedgerEntry.objects.values_list("by", flat=True)) == {actor.id}


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_random_amounts_at_once(shared_resource):
    rng = random.Random(20181211)
    amounts = [D(rng.randrange(100_000, 2_500_000)).scaleb(-2) for _ in range(THREADS)]
    assert sum(amounts) > AMOUNT  # some of them must be refused

    successes, failures, lowest = run_at_once(shared_resource, amounts)

    assert len(successes) + len(failures) == THREADS
    assert successes and failures
    assert all(isinstance(exc, InsufficientFunds) for _, exc in failures), failures
    state = ledger_state(shared_resource)
    assert sum(successes) <= AMOUNT
    assert state.committed == state.commits == sum(successes)
    assert sorted(LedgerEntry.objects.values_list("amount", flat=True)) == sorted(successes)
    # Each refused amount really did not fit in what was left at the end (commits only grow).
    assert all(amount > state.available for amount, _ in failures)
    assert lowest >= 0
    assert_consistent(state)


@pytest.mark.django_db
def test_the_same_numbers_one_after_another(tree):
    """Runs on every database: 20 commits of 7,000 in turn, 14 fit."""
    resource = f.FundingResourceFactory(amount=AMOUNT)
    outcomes = []
    for _ in range(THREADS):
        try:
            services.ledger_commit(actor=None, resource=resource, amount=EACH)
        except InsufficientFunds:
            outcomes.append(False)
        else:
            outcomes.append(True)
    assert outcomes == [True] * 14 + [False] * 6
    state = ledger_state(resource)
    assert (state.committed, state.available, state.entries) == (D("98000.00"), D("2000.00"), 14)
    assert_consistent(state)
