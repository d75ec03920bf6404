"""Fixtures of the ledger and residents' decision tests.

`resource` is a published 100,000-yuan government budget of 天心区; `ledger_state(resource)`
reads the row's running totals and the sums of its ledger entries in one place, so every test
checks the same identities (available = amount − Σcommit + Σrelease, and so on).
"""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db.models import Count, Q, Sum

from projects.choices import LedgerKind
from projects.models import FundingResource, LedgerEntry
from tests import factories as f
from tests.api.conftest import token_client

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class LedgerState:
    amount: Decimal
    committed: Decimal
    disbursed: Decimal
    available: Decimal
    entries: int
    commits: Decimal
    releases: Decimal
    disbursements: Decimal


def ledger_state(resource: FundingResource) -> LedgerState:
    """The resource's totals as stored, and the sums of its entries, fresh from the database."""
    row = FundingResource.objects.get(pk=resource.pk)
    sums = LedgerEntry.objects.filter(resource=row).aggregate(
        entries=Count("id"),
        commits=Sum("amount", filter=Q(kind=LedgerKind.COMMIT), default=ZERO),
        releases=Sum("amount", filter=Q(kind=LedgerKind.RELEASE), default=ZERO),
        disbursements=Sum("amount", filter=Q(kind=LedgerKind.DISBURSE), default=ZERO),
    )
    return LedgerState(
        amount=row.amount,
        committed=row.committed,
        disbursed=row.disbursed,
        available=row.available,
        **sums,
    )


def assert_consistent(state: LedgerState) -> None:
    """The running totals agree with the entries and never break the money rules."""
    assert state.available == state.amount - state.commits + state.releases, state
    assert state.committed == state.commits - state.releases, state
    assert state.disbursed == state.disbursements, state
    assert state.available >= 0, state
    assert ZERO <= state.disbursed <= state.committed <= state.amount, state


@pytest.fixture
def api():
    """`api(user)` → an APIClient with a real knox token; `api()` is anonymous."""
    return token_client


@pytest.fixture
def resource(tree):
    """A published government budget of 100,000.00 yuan in 天心区."""
    return f.FundingResourceFactory(
        name="2026年天心区政府购买服务资金", amount=Decimal("100000.00"), region=tree.tianxin
    )


@pytest.fixture
def staff_other(tree):
    """Staff of 城南路社区 (also 天心区, but another community)."""
    return f.CommunityStaffFactory(
        community=tree.chengnanlu_community, user__display_name="城南路刘专干"
    ).user


@pytest.fixture
def official_out(tree):
    """Civil-affairs official of 岳麓区: not over 坡子街社区."""
    return f.OfficialFactory(region=tree.yuelu, user__display_name="岳麓区孙科长").user
