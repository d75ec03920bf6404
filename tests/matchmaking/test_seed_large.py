"""`seed_demo --scale large`'s generator (matchmaking/demo/bulk.py) at a tiny size, the ledger
check it is verified with (`manage.py check_ledger`) and the benchmark it feeds
(`manage.py bench_dashboard`).

The generator runs on top of the small seed (the city seed takes half a minute), in batches of
a few dozen projects so that several batches and their running totals are exercised.
"""

import json
from datetime import datetime
from decimal import Decimal
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from communities.models import Community
from matchmaking.demo import bulk
from matchmaking.demo.context import SHANGHAI
from projects.audit import ledger_problems
from projects.choices import BidStatus, ProjectStatus
from projects.models import (
    Acceptance,
    Assignment,
    Bid,
    FundingResource,
    LedgerEntry,
    ProgressReport,
    Project,
    ProjectFunding,
    ProjectTransition,
    Review,
    SupervisionVisit,
)
from projects.services import bid_rankings

from .test_seed_demo import seed

S = ProjectStatus
YEAR = 2026
# A fixed "today", so the states of the current year's projects do not depend on the day the
# tests run.
NOW = datetime(YEAR, 11, 28, 12, 0, tzinfo=SHANGHAI)
TINY = 200
BULK_MODELS = (
    Project,
    Project.history.model,
    ProjectFunding,
    ProjectTransition,
    LedgerEntry,
    Bid,
    Review,
    Assignment,
    SupervisionVisit,
    ProgressReport,
    Acceptance,
    FundingResource,
)


def large(projects: int) -> dict:
    lines = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bulk, "BATCH", 37)
        return bulk.seed_large(projects=projects, year=YEAR, now=NOW, log=lines.append)


def counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in BULK_MODELS}


@pytest.fixture(scope="module")
def generated_once(django_db_setup, django_db_blocker):
    """The small seed plus TINY bulk projects, once for this module, rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed()
        before = Project.objects.count()
        result = large(TINY)
        yield {"result": result, "seeded_projects": before}
        transaction.set_rollback(True)


@pytest.fixture
def generated(generated_once, db):
    return generated_once


def bulk_projects():
    return Project.objects.filter(code__regex=r"^XM[0-9]{4}B")


def test_it_adds_the_projects_asked_for_over_three_years_and_every_state(generated):
    assert generated["result"]["added"] == TINY
    projects = bulk_projects()
    assert projects.count() == TINY
    assert Project.objects.count() == generated["seeded_projects"] + TINY
    assert set(projects.values_list("year", flat=True)) == {YEAR - 2, YEAR - 1, YEAR}
    assert set(projects.values_list("status", flat=True)) == set(S.values)
    # Spread over the city's communities, each with its funding lines and log.
    assert projects.values("community").distinct().count() == Community.objects.count()
    assert not projects.filter(funding__isnull=True).exists()
    assert not projects.filter(transitions__isnull=True).exists()


def test_the_ledger_identities_hold(generated):
    problems = ledger_problems()
    assert {name: found["count"] for name, found in problems.items() if found["count"]} == {}
    out = StringIO()
    call_command("check_ledger", stdout=out)
    report = json.loads(out.getvalue())
    assert report["ok"] is True
    assert set(report["checks"]) == set(problems)


def test_the_running_totals_are_the_ledger_sums_for_the_bulk_resources(generated):
    resources = FundingResource.objects.filter(description__contains=bulk.LARGE_NOTE)
    assert resources.count() >= 3
    for resource in resources:
        sums = dict(
            resource.ledger.values("kind").annotate(s=Sum("amount")).values_list("kind", "s")
        )
        zero = Decimal(0)
        assert resource.committed == sums.get("commit", zero) - sums.get("release", zero)
        assert resource.disbursed == sums.get("disburse", zero)
        assert 0 <= resource.disbursed <= resource.committed <= resource.amount
    for project in bulk_projects().filter(status=S.COMPLETED):
        paid = project.funding.aggregate(total=Sum("disbursed"))["total"]
        assert paid == project.contract_amount


def test_check_ledger_fails_when_a_running_total_is_off(generated):
    resource = FundingResource.objects.filter(
        description__contains=bulk.LARGE_NOTE, disbursed__gt=0
    ).first()
    FundingResource.objects.filter(pk=resource.pk).update(disbursed=0)
    assert ledger_problems()["resource_totals"]["examples"] == [resource.pk]
    with pytest.raises(CommandError, match="resource_totals"):
        call_command("check_ledger", stdout=StringIO())


def test_each_project_went_through_its_states_in_time(generated):
    now = NOW
    for project in bulk_projects().prefetch_related("transitions", "visits", "progress_reports"):
        log = sorted(project.transitions.all(), key=lambda t: (t.at, t.id))
        assert log[0].action == "create"
        assert log[-1].to_status == project.status
        for before, after in pairwise(log):
            assert after.from_status == before.to_status
            assert before.at <= after.at
        assert log[-1].at <= now
        if project.published_at:
            assert any(t.action == "publish" and t.at == project.published_at for t in log)
        if project.closed_at:
            assert log[-1].at == project.closed_at
        if project.status == S.COMPLETED:
            assert project.visits.exists()
            assert project.acceptance_score is not None
        assert all(v.visited_on <= timezone.localdate(now) for v in project.visits.all())
        for report in project.progress_reports.all():
            assert project.started_at <= report.created_at
        if project.status == S.PUBLISHED:
            assert project.bid_deadline > now


def test_bids_come_from_distinct_organizations_and_the_best_reviewed_wins(generated):
    awarded = bulk_projects().filter(awarded_bid__isnull=False).select_related("awarded_bid")
    assert awarded.exists()
    for project in awarded:
        bids = list(project.bids.all())
        assert 1 <= len(bids) <= 3
        assert len({b.org_id for b in bids}) == len(bids)
        assert project.awarded_bid.project_id == project.pk
        assert project.awarded_bid.status == BidStatus.AWARDED
        assert project.contract_amount == project.awarded_bid.amount <= project.budget
        reviewed = [row for row in bid_rankings(project) if row[1] is not None]
        assert reviewed[0][0].pk == project.awarded_bid_id
        assert {b.status for b in bids if b.pk != project.awarded_bid_id} <= {BidStatus.LOST}
    failed = bulk_projects().filter(status=S.FAILED, acceptance_score__isnull=True)
    assert not Bid.objects.filter(project__in=failed).exists()


def test_a_rerun_adds_nothing(generated):
    before = counts()
    assert large(TINY)["added"] == 0
    assert counts() == before


def test_asking_for_more_adds_only_the_new_ones_and_keeps_the_ledger(generated):
    codes = set(bulk_projects().values_list("code", "title", "budget", "status"))
    assert large(TINY + 40)["added"] == 40
    assert codes <= set(bulk_projects().values_list("code", "title", "budget", "status"))
    assert bulk_projects().count() == TINY + 40
    assert all(found["count"] == 0 for found in ledger_problems().values())


def test_a_project_is_planned_the_same_every_time(generated):
    world = bulk._world((YEAR - 2, YEAR - 1, YEAR), NOW)
    world.resources = dict.fromkeys(_resource_keys(world), 1)

    def planned(index):
        rows = bulk.Rows()
        bulk.plan(bulk.identity(index, world), world, rows, pk=1)
        return rows

    first, second = planned(7), planned(7)
    assert first.projects == second.projects
    assert first.ledger == second.ledger
    assert first.transitions == second.transitions
    stored = Project.objects.get(code=first.projects[0]["code"])
    assert (stored.title, stored.budget, stored.status) == (
        first.projects[0]["title"],
        first.projects[0]["budget"],
        first.projects[0]["status"],
    )


def _resource_keys(world):
    keys = set()
    for index in range(1, 50):
        keys |= {key for key, _amount in bulk.identity(index, world).lines}
    return keys


# --- the benchmark ------------------------------------------------------------------------


def test_bench_dashboard_prints_the_report(generated):
    out = StringIO()
    call_command("bench_dashboard", year=YEAR, runs=2, stdout=out)
    report = json.loads(out.getvalue())
    assert {
        "database",
        "year",
        "runs",
        "data",
        "baseline",
        "dashboard",
        "rankings",
        "targets",
    } <= set(report)
    assert set(report["baseline"]) == {"select_1_ms", "count_projects_ms"}
    assert set(report["dashboard"]) == {"city", "district", "street"}
    for level, row in zip(
        ("city", "district", "street"), report["dashboard"].values(), strict=True
    ):
        assert row["level"] == level
        for key in ("first_ms", "cold_ms", "warm_ms", "cold_vs_count", "warm_vs_select_1"):
            assert row[key] >= 0
        # A warm request is the fingerprint query alone; a cold one computes the figures.
        assert row["queries_warm"] == 1
        assert row["queries_cold"] > row["queries_warm"]
    assert set(report["rankings"]) == {"community", "street", "district", "org"}
    assert all(row["rows"] > 0 for row in report["rankings"].values())
    assert report["targets"]["met"]["query_count_constant"] is True
    assert report["data"]["projects"] == Project.objects.count()


def test_bench_dashboard_refuses_an_unknown_region(generated):
    with pytest.raises(CommandError, match="--district"):
        call_command("bench_dashboard", year=YEAR, runs=1, district="439900000000")
