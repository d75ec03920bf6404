"""The funding ledger through its services: commit, release, disburse.

Every movement locks the resource, checks the rule, moves the running totals and adds exactly
one entry; a refused movement changes nothing. The check constraints on the resource refuse an
overspend even when the services are bypassed.
"""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import InsufficientFunds, InvalidTransition, ValidationFailed
from projects import services
from projects.choices import LedgerKind, ResourceStatus
from projects.models import FundingResource, LedgerEntry
from tests import factories as f

from .conftest import assert_consistent, ledger_state

pytestmark = pytest.mark.django_db

D = Decimal
MOVES = {
    LedgerKind.COMMIT: services.ledger_commit,
    LedgerKind.RELEASE: services.ledger_release,
    LedgerKind.DISBURSE: services.ledger_disburse,
}


def test_commit_within_available_moves_the_totals(resource, district_official):
    entry = services.ledger_commit(
        actor=district_official, resource=resource, amount=D("30000.00"), reference="XM-2026-001"
    )
    state = ledger_state(resource)
    assert (state.committed, state.available, state.disbursed) == (
        D("30000.00"),
        D("70000.00"),
        D("0.00"),
    )
    # The caller's object follows the locked row.
    assert (resource.committed, resource.available) == (D("30000.00"), D("70000.00"))
    assert (entry.kind, entry.amount, entry.by, entry.reference) == (
        "commit",
        D("30000.00"),
        district_official,
        "XM-2026-001",
    )
    assert state.entries == 1
    assert_consistent(state)


def test_commit_of_exactly_what_is_available_succeeds(resource, district_official):
    services.ledger_commit(actor=district_official, resource=resource, amount=D("60000.00"))
    services.ledger_commit(actor=district_official, resource=resource, amount=D("40000.00"))
    state = ledger_state(resource)
    assert (state.committed, state.available) == (D("100000.00"), D("0.00"))
    assert_consistent(state)


@pytest.mark.parametrize("amount", [D("100000.01"), D("250000.00")])
def test_commit_beyond_available_changes_nothing(resource, district_official, amount):
    with pytest.raises(InsufficientFunds) as caught:
        services.ledger_commit(actor=district_official, resource=resource, amount=amount)
    assert caught.value.code == "insufficient_funds"
    assert caught.value.status == 409
    state = ledger_state(resource)
    assert (state.committed, state.available, state.entries) == (D("0.00"), D("100000.00"), 0)


def test_commit_beyond_what_is_left_after_earlier_commits(resource, district_official):
    services.ledger_commit(actor=district_official, resource=resource, amount=D("95000.00"))
    before = ledger_state(resource)
    with pytest.raises(InsufficientFunds) as caught:
        services.ledger_commit(actor=district_official, resource=resource, amount=D("5000.01"))
    assert "5000.00" in caught.value.message  # says how much is left
    assert ledger_state(resource) == before


@pytest.mark.parametrize("kind", list(MOVES))
@pytest.mark.parametrize("amount", [D("0"), D("0.00"), D("-1.00"), -5, "-0.01"])
def test_amount_must_be_more_than_zero(resource, district_official, kind, amount):
    services.ledger_commit(actor=district_official, resource=resource, amount=D("1000.00"))
    before = ledger_state(resource)
    with pytest.raises(ValidationFailed) as caught:
        MOVES[kind](actor=district_official, resource=resource, amount=amount)
    assert caught.value.code == "invalid"
    assert "amount" in caught.value.fields
    assert ledger_state(resource) == before


@pytest.mark.parametrize("kind", list(MOVES))
@pytest.mark.parametrize("amount", [D("0.004"), D("0.005"), D("10.001"), D("NaN"), D("Infinity")])
def test_amount_is_whole_fen(resource, district_official, kind, amount):
    """Sub-fen amounts were stored rounded: an IntegrityError on PostgreSQL (0.004 → 0.00
    breaks `ledger_amount_positive`), a silent 0.00 entry on SQLite, and running totals that
    no longer matched the entries. They are refused like any invalid amount."""
    services.ledger_commit(actor=district_official, resource=resource, amount=D("1000.00"))
    before = ledger_state(resource)
    with pytest.raises(ValidationFailed) as caught:
        MOVES[kind](actor=district_official, resource=resource, amount=amount)
    assert "amount" in caught.value.fields
    assert ledger_state(resource) == before


def test_amounts_given_as_int_or_string_are_accepted(resource, district_official):
    services.ledger_commit(actor=district_official, resource=resource, amount=100)
    services.ledger_commit(actor=district_official, resource=resource, amount="0.50")
    # Trailing zeros are still whole fen (e.g. the result of price × quantity).
    services.ledger_commit(actor=district_official, resource=resource, amount=D("1.2500"))
    services.ledger_commit(actor=district_official, resource=resource, amount=D("1E+3"))
    state = ledger_state(resource)
    assert state.committed == D("1101.75")
    assert_consistent(state)


@pytest.mark.parametrize("status", [ResourceStatus.DRAFT, ResourceStatus.CLOSED])
def test_only_a_published_resource_can_be_committed(tree, district_official, status):
    resource = f.FundingResourceFactory(amount=D("100000.00"), status=status)
    with pytest.raises(InvalidTransition) as caught:
        services.ledger_commit(actor=district_official, resource=resource, amount=D("10.00"))
    assert caught.value.code == "invalid_transition"
    state = ledger_state(resource)
    assert (state.committed, state.entries) == (D("0.00"), 0)


def test_release_gives_money_back_up_to_what_is_not_paid_out(resource, district_official):
    services.ledger_commit(actor=district_official, resource=resource, amount=D("50000.00"))
    services.ledger_disburse(actor=district_official, resource=resource, amount=D("20000.00"))
    # 30,000 is committed and not yet paid: a little more than that is refused…
    before = ledger_state(resource)
    with pytest.raises(InsufficientFunds):
        services.ledger_release(actor=district_official, resource=resource, amount=D("30000.01"))
    assert ledger_state(resource) == before
    # …exactly that is fine.
    entry = services.ledger_release(
        actor=district_official, resource=resource, amount=D("30000.00"), reference="XM-1"
    )
    assert (entry.kind, entry.amount, entry.reference) == ("release", D("30000.00"), "XM-1")
    state = ledger_state(resource)
    assert (state.committed, state.disbursed, state.available) == (
        D("20000.00"),
        D("20000.00"),
        D("80000.00"),
    )
    assert_consistent(state)


def test_release_of_nothing_committed_is_refused(resource, district_official):
    with pytest.raises(InsufficientFunds):
        services.ledger_release(actor=district_official, resource=resource, amount=D("0.01"))
    assert ledger_state(resource).entries == 0


def test_disburse_pays_out_up_to_what_is_committed_and_unpaid(resource, district_official):
    services.ledger_commit(actor=district_official, resource=resource, amount=D("40000.00"))
    services.ledger_disburse(actor=district_official, resource=resource, amount=D("25000.00"))
    before = ledger_state(resource)
    with pytest.raises(InsufficientFunds) as caught:
        services.ledger_disburse(actor=district_official, resource=resource, amount=D("15000.01"))
    assert caught.value.code == "insufficient_funds"
    assert ledger_state(resource) == before
    entry = services.ledger_disburse(
        actor=district_official, resource=resource, amount=D("15000.00"), reference="XM-9"
    )
    assert (entry.kind, entry.amount, entry.by, entry.reference) == (
        "disburse",
        D("15000.00"),
        district_official,
        "XM-9",
    )
    state = ledger_state(resource)
    # Paying out does not change what is available: the money was already committed.
    assert (state.committed, state.disbursed, state.available) == (
        D("40000.00"),
        D("40000.00"),
        D("60000.00"),
    )
    assert_consistent(state)


def test_each_move_adds_exactly_one_entry(resource, district_official, staff_user):
    services.ledger_commit(actor=district_official, resource=resource, amount=D("100.00"))
    services.ledger_disburse(actor=staff_user, resource=resource, amount=D("40.00"), note="首期")
    services.ledger_release(actor=None, resource=resource, amount=D("60.00"), reference="XM-3")
    rows = list(
        LedgerEntry.objects.filter(resource=resource).values_list(
            "kind", "amount", "by", "reference", "note"
        )
    )
    assert rows == [
        ("commit", D("100.00"), district_official.id, "", ""),
        ("disburse", D("40.00"), staff_user.id, "", "首期"),
        ("release", D("60.00"), None, "XM-3", ""),
    ]
    assert_consistent(ledger_state(resource))


def test_moves_on_one_resource_leave_another_alone(resource, district_official):
    other = f.FundingResourceFactory(amount=D("100000.00"))
    services.ledger_commit(actor=district_official, resource=resource, amount=D("100.00"))
    state = ledger_state(other)
    assert (state.committed, state.entries) == (D("0.00"), 0)


# --- the database alone --------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"committed": F("amount") + 1},  # more committed than the amount
        {"committed": D("-0.01")},
        {"disbursed": F("committed") + 1},  # more paid out than committed
        {"disbursed": D("-0.01")},
    ],
    ids=["overspent", "negative-committed", "overpaid", "negative-disbursed"],
)
def test_the_database_refuses_an_overspend_without_the_service(resource, change):
    with pytest.raises(IntegrityError), transaction.atomic():
        FundingResource.objects.filter(pk=resource.pk).update(**change)
    state = ledger_state(resource)
    assert (state.committed, state.disbursed) == (D("0.00"), D("0.00"))


def test_the_database_accepts_the_boundary(resource):
    FundingResource.objects.filter(pk=resource.pk).update(
        committed=F("amount"), disbursed=F("amount")
    )
    state = ledger_state(resource)
    assert (state.committed, state.disbursed, state.available) == (
        D("100000.00"),
        D("100000.00"),
        D("0.00"),
    )


def test_the_database_refuses_a_non_positive_entry(resource):
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(resource=resource, kind="commit", amount=D("0.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(resource=resource, kind="refund", amount=D("1.00"))


# --- any sequence of moves -----------------------------------------------------------------

AMOUNT = D("1000.00")
cents = st.one_of(
    st.integers(min_value=-500, max_value=0),  # invalid: zero or negative
    st.integers(min_value=1, max_value=40_000),  # up to 400.00: often fits, sometimes not
    st.integers(min_value=90_000, max_value=120_000),  # around the whole amount
)
operations = st.lists(st.tuples(st.sampled_from(list(MOVES)), cents), min_size=1, max_size=25)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_any_sequence_keeps_the_ledger_and_totals_in_step(tree, ops):
    # A fresh resource per example: the examples share the test's transaction, not the state.
    resource = f.FundingResourceFactory(amount=AMOUNT, region=tree.tianxin)
    expected_committed = expected_disbursed = D("0.00")
    for kind, amount_in_cents in ops:
        amount = D(amount_in_cents).scaleb(-2)
        before = ledger_state(resource)
        outstanding = expected_committed - expected_disbursed
        if amount <= 0:
            allowed, error = False, ValidationFailed
        elif kind == LedgerKind.COMMIT:
            allowed, error = amount <= AMOUNT - expected_committed, InsufficientFunds
        else:
            allowed, error = amount <= outstanding, InsufficientFunds

        if allowed:
            entry = MOVES[kind](actor=None, resource=resource, amount=amount)
            assert (entry.kind, entry.amount) == (kind, amount)
            if kind == LedgerKind.COMMIT:
                expected_committed += amount
            elif kind == LedgerKind.RELEASE:
                expected_committed -= amount
            else:
                expected_disbursed += amount
        else:
            with pytest.raises(error):
                MOVES[kind](actor=None, resource=resource, amount=amount)

        after = ledger_state(resource)
        assert_consistent(after)
        assert (after.committed, after.disbursed) == (expected_committed, expected_disbursed)
        if allowed:
            assert after.entries == before.entries + 1
        else:
            assert after == before  # a refused move leaves everything as it was
