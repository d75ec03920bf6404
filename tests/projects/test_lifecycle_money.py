"""The money of projects: the ledger identities after every step, a property test over random
sequences of projects sharing two small resources, and the concurrency of publishing and
bidding on PostgreSQL.

The identities (story.assert_money): for every resource, available = amount − commits +
releases and 0 ≤ disbursed ≤ committed ≤ amount; for every funding line, its committed /
released / disbursed equal the ledger entries carrying its project, committed = released +
disbursed + outstanding, nothing stays reserved for a closed project; a completed project paid
out exactly its contract.
"""

import threading
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.errors import InsufficientFunds, InvalidTransition
from projects import services
from projects.choices import LedgerKind, Procurement
from projects.choices import ProjectStatus as S
from projects.models import Bid, FundingResource, LedgerEntry, Project, ProjectFunding
from tests import factories as f

from .story import (
    accept,
    assert_log,
    assert_money,
    assign,
    bid,
    community_fund,
    decision,
    draft,
    expire,
    final_report,
    make_cast,
    publish,
    report,
    review,
    visit,
    walk,
)

D = Decimal
ZERO = D("0.00")


@pytest.fixture
def cast(tree, staff_user, district_official, org, org_member):
    return make_cast(
        tree,
        staff_user=staff_user,
        district_official=district_official,
        org=org,
        org_member=org_member,
    )


def totals(resource) -> tuple[Decimal, Decimal, Decimal]:
    """(committed, disbursed, available) of a resource, fresh from the database."""
    row = FundingResource.objects.get(pk=resource.pk)
    return row.committed, row.disbursed, row.available


# --- the story, step by step --------------------------------------------------------------


@pytest.mark.django_db
def test_every_step_of_a_two_line_story_keeps_the_books(tree, cast):
    """80,000 budget: 50,000 from the district, 30,000 from a city charity; contract 62,000."""
    charity = f.FundingResourceFactory(region=tree.city, amount=D("40000.00"))
    project = draft(
        cast,
        funding=[
            {"resource": cast.resource, "amount": D("50000.00")},
            {"resource": charity, "amount": D("30000.00")},
        ],
    )
    assign(cast, project)
    expected = [
        # (district committed, disbursed), (charity committed, disbursed)
        ("draft", (ZERO, ZERO), (ZERO, ZERO)),
    ]

    def step(label, district, city):
        assert_money()
        assert totals(cast.resource)[:2] == district, label
        assert totals(charity)[:2] == city, label

    step(*expected[0])
    publish(cast, project)
    step("published", (D("50000"), ZERO), (D("30000"), ZERO))
    won = bid(cast, project, amount="62000.00")
    bid(cast, project, org=cast.rival, amount="79000.00")
    expire(project)
    services.project_close_bidding(actor=cast.staff, project=project)
    step("reviewing", (D("50000"), ZERO), (D("30000"), ZERO))
    review(cast, project, won)
    services.project_award(actor=cast.staff, project=project, bid=won)
    step("awarded", (D("50000"), ZERO), (D("12000"), ZERO))
    services.project_start(actor=cast.member, project=project)
    report(cast, project)
    visit(cast, project)
    step("in progress", (D("50000"), ZERO), (D("12000"), ZERO))
    final_report(cast, project)
    accept(cast, project, "fail", score=50)
    step("rectification", (D("50000"), ZERO), (D("12000"), ZERO))
    final_report(cast, project)
    accept(cast, project, score=85)
    step("completed", (D("50000"), D("50000")), (D("12000"), D("12000")))
    assert totals(charity)[2] == D("28000.00")

    money = services_money(project)
    assert money == {
        "planned": D("80000.00"),
        "committed": D("80000.00"),
        "released": D("18000.00"),
        "disbursed": D("62000.00"),
        "outstanding": ZERO,
    }
    # Every entry names the project, its code and who moved the money.
    rows = list(
        LedgerEntry.objects.filter(project=project)
        .order_by("id")
        .values_list("resource", "kind", "amount", "reference", "by")
    )
    assert rows == [
        (cast.resource.id, "commit", D("50000.00"), project.code, cast.staff.id),
        (charity.id, "commit", D("30000.00"), project.code, cast.staff.id),
        (charity.id, "release", D("18000.00"), project.code, cast.staff.id),
        (cast.resource.id, "disburse", D("50000.00"), project.code, cast.official.id),
        (charity.id, "disburse", D("12000.00"), project.code, cast.official.id),
    ]
    assert not LedgerEntry.objects.filter(project=None).exists()


def services_money(project):
    from projects.selectors import project_money

    return project_money(project)


@pytest.mark.django_db
def test_a_directed_project_on_the_community_fund_pays_exactly_its_contract(cast):
    fund = community_fund(cast)
    project = draft(
        cast,
        budget="100000.00",
        procurement=Procurement.DIRECTED,
        directed_org=cast.org,
        decision=decision(cast, amount="60000.00"),
        funding=[
            {"resource": fund, "amount": D("60000.00")},
            {"resource": cast.resource, "amount": D("40000.00")},
        ],
    )
    assign(cast, project)
    publish(cast, project)
    won = bid(cast, project, amount="100000.00")
    services.project_close_bidding(actor=cast.staff, project=project)  # early: the named org bid
    services.project_award(actor=cast.staff, project=project, bid=won, reason="定向购买")
    assert totals(fund)[:2] == (D("60000.00"), ZERO)  # a contract of the whole budget
    services.project_start(actor=cast.member, project=project)
    visit(cast, project)
    final_report(cast, project)
    accept(cast, project, score=95)
    assert project.status == S.COMPLETED
    assert totals(fund) == (D("60000.00"), D("60000.00"), D("140000.00"))
    assert totals(cast.resource) == (D("40000.00"), D("40000.00"), D("460000.00"))
    disbursed = LedgerEntry.objects.filter(project=project, kind=LedgerKind.DISBURSE)
    assert disbursed.aggregate(s=Sum("amount"))["s"] == project.contract_amount
    assert_money()


@pytest.mark.django_db
def test_a_resource_shared_by_projects_in_every_state(cast):
    """One resource, five projects ending differently: the resource's numbers are the sum."""
    for state in (S.PUBLISHED, S.AWARDED, S.COMPLETED, S.FAILED, S.CANCELLED, S.RECTIFICATION):
        walk(cast, state)
    # published 80,000 + awarded 75,000 + completed 75,000 (paid) + rectification 75,000.
    assert totals(cast.resource) == (D("305000.00"), D("75000.00"), D("195000.00"))
    assert_money()


# --- any sequence of projects on two small resources --------------------------------------

R1_AMOUNT, R2_AMOUNT = D("1000.00"), D("600.00")

ops = st.lists(
    st.one_of(
        st.tuples(
            st.just("new"), st.integers(min_value=0, max_value=700), st.integers(0, 450)
        ).filter(lambda t: t[1] + t[2] > 0),
        st.tuples(st.just("cancel"), st.integers(0, 20)),
        st.tuples(st.just("award"), st.integers(0, 20), st.sampled_from(["1", "0.5", "0.37"])),
        st.tuples(st.just("complete"), st.integers(0, 20)),
        st.tuples(st.just("fail_twice"), st.integers(0, 20)),
        st.tuples(st.just("no_bids"), st.integers(0, 20)),
    ),
    min_size=1,
    max_size=14,
)


class Model:
    """What the books should say, computed without the ledger: per project its lines (in
    order), its state and, once awarded, what each line still holds."""

    def __init__(self):
        self.projects = []  # dicts: project, lines [(resource_key, amount)], state, held

    def expected(self, key):
        committed = disbursed = ZERO
        for p in self.projects:
            for (k, _amount), held in zip(p["lines"], p["held"], strict=True):
                if k != key:
                    continue
                if p["state"] == S.COMPLETED:
                    committed += held
                    disbursed += held
                elif p["state"] in (S.PUBLISHED, S.AWARDED):
                    committed += held
        return committed, disbursed

    def award(self, p, contract):
        excess = sum(a for _k, a in p["lines"]) - contract
        held = [a for _k, a in p["lines"]]
        for i in reversed(range(len(held))):  # the last line gives back first
            back = min(excess, held[i])
            held[i] -= back
            excess -= back
        p["held"] = held


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=ops)
# Always tried: a refusal for lack of money in the middle of awards, payments and failures.
@example(
    steps=[
        ("new", 700, 450),
        ("new", 400, 0),  # r1 has 300 left: refused
        ("award", 0, "0.5"),  # contract 575: 575 back, from r2 (450) then r1 (125)
        ("new", 400, 0),  # now it fits
        ("complete", 0),
        ("award", 0, "0.37"),
        ("fail_twice", 0),
        ("new", 1, 600),
        ("no_bids", 0),
        ("cancel", 0),
    ]
)
@pytest.mark.django_db
def test_any_sequence_of_projects_keeps_the_books(tree, cast, steps):
    resources = {
        "r1": f.FundingResourceFactory(region=tree.tianxin, amount=R1_AMOUNT),
        "r2": f.FundingResourceFactory(region=tree.city, amount=R2_AMOUNT),
    }
    model = Model()

    def pick(index, *states):
        live = [p for p in model.projects if p["state"] in states]
        return live[index % len(live)] if live else None

    for op, *args in steps:
        if op == "new":
            lines = [(k, D(a)) for k, a in zip(("r1", "r2"), args, strict=True) if a]
            budget = sum(a for _k, a in lines)
            project = draft(
                cast,
                budget=str(budget),
                funding=[{"resource": resources[k], "amount": a} for k, a in lines],
            )
            assign(cast, project)
            fits = all(
                a <= resources[k].amount - model.expected(k)[0] for k, a in lines
            )  # each line against what its resource has left
            if fits:
                publish(cast, project)
                state = S.PUBLISHED
            else:
                with pytest.raises(InsufficientFunds):
                    publish(cast, project)
                state = S.DRAFT
            model.projects.append(
                {"project": project, "lines": lines, "state": state, "held": [a for _k, a in lines]}
            )
        elif op == "cancel":
            p = pick(args[0], S.DRAFT, S.PUBLISHED, S.AWARDED)
            if p is None:
                continue
            services.project_cancel(actor=cast.official, project=p["project"], reason="调整")
            p["state"] = S.CANCELLED
        elif op == "award":
            p = pick(args[0], S.PUBLISHED)
            if p is None:
                continue
            project = p["project"]
            budget = sum(a for _k, a in p["lines"])
            amount = max(
                D("0.01"), (budget * D(args[1])).quantize(D("0.01"), rounding=ROUND_HALF_UP)
            )
            won = bid(cast, project, amount=str(amount))
            expire(project)
            services.project_close_bidding(actor=cast.staff, project=project)
            review(cast, project, won)
            services.project_award(actor=cast.staff, project=project, bid=won)
            model.award(p, amount)
            p["state"] = S.AWARDED
        elif op in ("complete", "fail_twice"):
            p = pick(args[0], S.AWARDED)
            if p is None:
                continue
            project = p["project"]
            services.project_start(actor=cast.member, project=project)
            visit(cast, project)
            final_report(cast, project)
            if op == "complete":
                accept(cast, project, score=80)
                p["state"] = S.COMPLETED
            else:
                accept(cast, project, "fail", score=40)
                final_report(cast, project)
                accept(cast, project, "fail", score=30)
                p["state"] = S.FAILED
        elif op == "no_bids":
            p = pick(args[0], S.PUBLISHED)
            if p is None:
                continue
            expire(p["project"])
            services.project_close_bidding(actor=None, project=p["project"])
            p["state"] = S.FAILED

        for p in model.projects:
            assert Project.objects.get(pk=p["project"].pk).status == p["state"]
            assert_log(p["project"])
        for key, resource in resources.items():
            committed, disbursed, available = totals(resource)
            assert (committed, disbursed) == model.expected(key), (key, steps)
            assert available >= 0
        assert_money()


# --- PostgreSQL: many people at once ------------------------------------------------------


@pytest.fixture
def taxonomy():
    """The service categories the data migration seeds: a transactional test before this one
    flushed them with every other table (its own flush afterwards does the same)."""
    import importlib

    from django.apps import apps

    importlib.import_module("communities.migrations.0002_taxonomy").forwards(apps, None)


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks and real concurrent writers need PostgreSQL (set DATABASE_URL)",
)


def at_once(calls):
    """Run each call in its own thread (own connection), released together by a barrier.
    Returns (results, errors) in the order of `calls`: one of each pair is None."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)
    errors = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=30)
            results[i] = call()
        except Exception as exc:
            errors[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return results, errors


def publisher(staff, pk):
    from datetime import timedelta

    from django.utils import timezone

    def call():
        return services.project_publish(
            actor=staff,
            project=Project.objects.get(pk=pk),
            bid_deadline=timezone.now() + timedelta(days=7),
        )

    return call


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_twenty_publishes_at_once_on_a_resource_that_covers_fourteen(tree, cast, taxonomy):
    """Each project takes 3,000 from a big resource and 7,000 from a scarce one holding
    98,000: fourteen publish, six fail with insufficient_funds and leave nothing behind, not
    even their line on the big resource."""
    scarce = f.FundingResourceFactory(region=tree.tianxin, amount=D("98000.00"))
    projects = [
        draft(
            cast,
            budget="10000.00",
            funding=[
                {"resource": cast.resource, "amount": D("3000.00")},
                {"resource": scarce, "amount": D("7000.00")},
            ],
        )
        for _ in range(20)
    ]
    _, errors = at_once([publisher(cast.staff, p.pk) for p in projects])

    failures = [e for e in errors if e is not None]
    assert all(isinstance(e, InsufficientFunds) for e in failures), failures
    published = Project.objects.filter(status=S.PUBLISHED)
    assert published.count() == 20 - len(failures) == 14
    assert Project.objects.filter(status=S.DRAFT).count() == 6
    # Successes × amount is exactly what was available.
    assert totals(scarce) == (D("98000.00"), ZERO, ZERO)
    assert totals(cast.resource)[0] == 14 * D("3000.00")
    # The refused ones hold nothing: no entries, no committed line, no log entry.
    refused = Project.objects.filter(status=S.DRAFT)
    assert not LedgerEntry.objects.filter(project__in=refused).exists()
    assert not ProjectFunding.objects.filter(project__in=refused, committed__gt=0).exists()
    assert not refused.filter(transitions__action="publish").exists()
    assert_money()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_projects_funded_in_opposite_orders_publish_at_once_without_deadlock(tree, cast, taxonomy):
    """Half the projects list resources A then B, the other half B then A: publishing them
    together must not deadlock (the resource rows are locked in one order)."""
    a = f.FundingResourceFactory(region=tree.tianxin, amount=D("100000.00"))
    b = f.FundingResourceFactory(region=tree.city, amount=D("100000.00"))
    projects = []
    for i in range(16):
        first, second = (a, b) if i % 2 else (b, a)
        projects.append(
            draft(
                cast,
                budget="2000.00",
                funding=[
                    {"resource": first, "amount": D("1000.00")},
                    {"resource": second, "amount": D("1000.00")},
                ],
            )
        )
    _, errors = at_once([publisher(cast.staff, p.pk) for p in projects])
    assert errors == [None] * 16, [e for e in errors if e]
    assert totals(a)[0] == totals(b)[0] == D("16000.00")
    assert_money()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_publishes_at_once_under_one_decision_never_exceed_it(cast, taxonomy):
    """Ten projects, each 20,000 of the community fund under one decision of 100,000: the
    fund could pay them all, the residents allowed five."""
    fund = community_fund(cast, amount="500000.00")
    allowed = decision(cast, amount="100000.00")
    projects = [
        draft(
            cast,
            budget="20000.00",
            decision=allowed,
            funding=[{"resource": fund, "amount": D("20000.00")}],
        )
        for _ in range(10)
    ]
    _, errors = at_once([publisher(cast.staff, p.pk) for p in projects])
    failures = [e for e in errors if e is not None]
    assert all(
        isinstance(e, InvalidTransition) and e.code == "decision_exceeded" for e in failures
    ), failures
    assert Project.objects.filter(status=S.PUBLISHED).count() == 5
    assert totals(fund)[0] == D("100000.00")
    assert_money()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_one_org_bidding_ten_times_at_once_gets_one_bid(cast, taxonomy):
    project = publish(cast, draft(cast))

    def bidder(amount):
        def call():
            return services.bid_submit(
                actor=cast.member,
                project=Project.objects.get(pk=project.pk),
                org=cast.org,
                amount=D(amount),
                proposal="每周三次上门送餐。",
                team=cast.workers,
            )

        return call

    results, errors = at_once([bidder(f"{70000 + i}.00") for i in range(10)])
    made = [r for r in results if r is not None]
    assert len(made) == 1
    failures = [e for e in errors if e is not None]
    assert len(failures) == 9
    assert all(isinstance(e, InvalidTransition) and e.code == "duplicate_bid" for e in failures), (
        failures
    )
    assert list(Bid.objects.filter(project=project).values_list("id", flat=True)) == [made[0].id]
    assert set(Bid.objects.get(pk=made[0].pk).team.all()) == set(cast.workers)
