"""The lifecycle through projects.services: every guard with its error class and code, every
permission refusal, every illegal move, and the transition log.

Projects start as drafts made by the services and are walked to later states by the real
services (tests/projects/story.py), so a guard is always met by a project that got there
honestly. Each refusal also checks that nothing moved: the status and the money.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import (
    DeadlinePassed,
    InsufficientFunds,
    InvalidTransition,
    NotAllowed,
    ValidationFailed,
)
from projects import services
from projects.choices import BidStatus, Procurement, ResourceStatus
from projects.choices import ProjectStatus as S
from projects.models import Bid, FundingResource, LedgerEntry, Project
from tests import factories as f

from .story import (
    accept,
    advance,
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

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def cast(tree, staff_user, district_official, org, org_member):
    return make_cast(
        tree,
        staff_user=staff_user,
        district_official=district_official,
        org=org,
        org_member=org_member,
    )


@pytest.fixture
def outsider_official(tree):
    """Official of 岳麓区: not over 坡子街社区."""
    return f.OfficialFactory(region=tree.yuelu, user__display_name="岳麓区孙科长").user


@pytest.fixture
def other_staff(tree):
    """Staff of 城南路社区, another community of the same district."""
    return f.CommunityStaffFactory(community=tree.chengnanlu_community).user


def status_of(project) -> str:
    return Project.objects.values_list("status", flat=True).get(pk=project.pk)


def committed(resource) -> Decimal:
    return FundingResource.objects.values_list("committed", flat=True).get(pk=resource.pk)


def refused(exc_class, code, call, *args, **kwargs):
    """Run `call`, expect `exc_class` with `code`; return the error."""
    with pytest.raises(exc_class) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value.message
    return caught.value


def reviewing(cast, *, amounts=("75000.00",), orgs=None):
    """A project in review with one bid per amount (the cast's org first, then the rival)."""
    project = draft(cast)
    assign(cast, project)
    publish(cast, project)
    orgs = orgs or [cast.org, cast.rival][: len(amounts)]
    bids = [bid(cast, project, org=o, amount=a) for o, a in zip(orgs, amounts, strict=True)]
    expire(project)
    services.project_close_bidding(actor=cast.staff, project=project)
    project.refresh_from_db()
    return project, bids


# --- drafting -----------------------------------------------------------------------------


def test_a_draft_gets_a_code_its_lines_and_a_create_entry(cast):
    project = draft(cast)
    assert project.status == S.DRAFT
    assert project.code == f"XM2026{project.pk:06d}"
    assert [(li.resource, li.amount, li.committed) for li in project.funding.all()] == [
        (cast.resource, D("80000.00"), D("0.00"))
    ]
    assert list(project.transitions.values_list("action", "from_status", "to_status", "by")) == [
        ("create", "", S.DRAFT, cast.staff.id)
    ]
    assert LedgerEntry.objects.count() == 0  # a draft reserves nothing


def test_only_the_communitys_staff_draft_and_edit(cast, other_staff, district_official):
    for actor in (other_staff, district_official, cast.member):
        with pytest.raises(NotAllowed):
            services.project_create(
                actor=actor,
                community=cast.community,
                title="x",
                budget=D("100.00"),
                category=f.category("elderly_meals"),
                year=2026,
            )
    project = draft(cast)
    for actor in (other_staff, district_official, cast.member):
        with pytest.raises(NotAllowed):
            services.project_update(actor=actor, project=project, title="改名")
    assert Project.objects.get(pk=project.pk).title == "坡子街社区老年助餐服务项目"


def _line_cases(tree, cast):
    """(resource, amount, extra draft fields) that a draft must refuse in its `funding`."""
    return {
        "another region": (f.FundingResourceFactory(region=tree.yuelu), "80000.00"),
        "ineligible category": (
            f.FundingResourceFactory(region=tree.tianxin, categories=["after_school"]),
            "80000.00",
        ),
        "wrong year": (f.FundingResourceFactory(region=tree.tianxin, year=2025), "80000.00"),
        "another community's fund": (
            f.FundingResourceFactory(community_fund=True, community=tree.chengnanlu_community),
            "80000.00",
        ),
        "unpublished": (
            f.FundingResourceFactory(region=tree.tianxin, status=ResourceStatus.DRAFT),
            "80000.00",
        ),
        "closed": (
            f.FundingResourceFactory(region=tree.tianxin, status=ResourceStatus.CLOSED),
            "80000.00",
        ),
        "above the budget": (cast.resource, "80000.01"),
        "zero": (cast.resource, "0.00"),
    }


LINE_CASES = [
    "another region",
    "ineligible category",
    "wrong year",
    "another community's fund",
    "unpublished",
    "closed",
    "above the budget",
    "zero",
]


@pytest.mark.parametrize("case", LINE_CASES)
def test_a_draft_refuses_money_it_may_not_spend(tree, cast, case):
    resource, amount = _line_cases(tree, cast)[case]
    before = Project.objects.count()
    error = refused(
        ValidationFailed,
        "invalid",
        draft,
        cast,
        funding=[{"resource": resource, "amount": D(amount)}],
    )
    assert error.status == 400
    assert list(error.fields) == ["funding"]
    assert Project.objects.count() == before


@pytest.mark.parametrize("case", LINE_CASES)
def test_an_edit_refuses_the_same_lines_and_keeps_the_old_ones(tree, cast, case):
    project = draft(cast)
    resource, amount = _line_cases(tree, cast)[case]
    error = refused(
        ValidationFailed,
        "invalid",
        services.project_update,
        actor=cast.staff,
        project=project,
        funding=[{"resource": resource, "amount": D(amount)}],
    )
    assert "funding" in error.fields
    assert [(li.resource_id, li.amount) for li in project.funding.all()] == [
        (cast.resource.id, D("80000.00"))
    ]


def test_a_line_twice_and_lines_adding_up_above_the_budget(tree, cast):
    other = f.FundingResourceFactory(region=tree.city)
    error = refused(
        ValidationFailed,
        "invalid",
        draft,
        cast,
        funding=[
            {"resource": cast.resource, "amount": D("40000.00")},
            {"resource": cast.resource, "amount": D("10000.00")},
        ],
    )
    assert "funding" in error.fields
    error = refused(
        ValidationFailed,
        "invalid",
        draft,
        cast,
        funding=[
            {"resource": cast.resource, "amount": D("40000.00")},
            {"resource": other, "amount": D("40000.01")},
        ],
    )
    assert "funding" in error.fields
    # Lowering the budget below existing lines is refused too.
    project = draft(cast)
    error = refused(
        ValidationFailed,
        "invalid",
        services.project_update,
        actor=cast.staff,
        project=project,
        budget=D("70000.00"),
    )
    assert "funding" in error.fields
    assert Project.objects.get(pk=project.pk).budget == D("80000.00")


def test_eligible_by_the_parent_category_and_a_city_wide_resource(tree, cast):
    parent_eligible = f.FundingResourceFactory(region=tree.city, categories=["elderly_care"])
    project = draft(cast, funding=[{"resource": parent_eligible, "amount": D("80000.00")}])
    assert project.funding.get().resource == parent_eligible


def test_a_community_fund_line_needs_a_decision_when_drafted(cast):
    fund = community_fund(cast)
    error = refused(
        ValidationFailed, "invalid", draft, cast, funding=[{"resource": fund, "amount": D("80000")}]
    )
    assert "decision" in error.fields
    # Another community's decision is refused as well.
    foreign = decision(cast, community=f.community_at("430103004001"))
    error = refused(
        ValidationFailed,
        "invalid",
        draft,
        cast,
        decision=foreign,
        funding=[{"resource": fund, "amount": D("80000")}],
    )
    assert "decision" in error.fields


def test_only_a_draft_can_be_edited(cast):
    project = publish(cast, draft(cast))
    refused(
        InvalidTransition,
        "invalid_transition",
        services.project_update,
        actor=cast.staff,
        project=project,
        title="改",
    )


# --- publishing ---------------------------------------------------------------------------


@pytest.mark.parametrize("offset", [timedelta(minutes=-1), timedelta(0), None])
def test_publish_needs_a_deadline_in_the_future(cast, offset):
    project = draft(cast)
    deadline = None if offset is None else timezone.now() + offset
    error = refused(
        ValidationFailed,
        "invalid",
        services.project_publish,
        actor=cast.staff,
        project=project,
        bid_deadline=deadline,
    )
    assert error.status == 400
    assert list(error.fields) == ["bid_deadline"]
    assert status_of(project) == S.DRAFT
    assert committed(cast.resource) == D("0.00")


def test_publish_commits_every_line_and_logs_the_move(tree, cast):
    other = f.FundingResourceFactory(region=tree.city, amount=D("30000.00"))
    project = draft(
        cast,
        funding=[
            {"resource": cast.resource, "amount": D("50000.00")},
            {"resource": other, "amount": D("30000.00")},
        ],
    )
    publish(cast, project)
    assert project.status == S.PUBLISHED and project.published_at is not None
    assert (committed(cast.resource), committed(other)) == (D("50000.00"), D("30000.00"))
    assert [li.committed for li in project.funding.all()] == [D("50000.00"), D("30000.00")]
    entries = LedgerEntry.objects.filter(project=project)
    assert sorted(entries.values_list("kind", "amount", "reference")) == [
        ("commit", D("30000.00"), project.code),
        ("commit", D("50000.00"), project.code),
    ]
    assert_money()


@pytest.mark.parametrize("lines", [[], [("40000.00",)]], ids=["no lines", "half funded"])
def test_publish_needs_the_whole_budget_funded(cast, lines):
    project = draft(cast, funding=[{"resource": cast.resource, "amount": D(a)} for (a,) in lines])
    error = refused(InvalidTransition, "funding_incomplete", publish, cast, project)
    assert error.status == 409
    assert status_of(project) == S.DRAFT
    assert committed(cast.resource) == D("0.00")


def test_publish_with_the_community_fund_needs_a_passed_decision(cast):
    fund = community_fund(cast)
    failed = decision(cast, passed=False)
    assert not failed.passed
    project = draft(cast, decision=failed, funding=[{"resource": fund, "amount": D("80000")}])
    refused(InvalidTransition, "decision_not_passed", publish, cast, project)
    assert status_of(project) == S.DRAFT
    assert committed(fund) == D("0.00")

    passed = decision(cast)
    services.project_update(actor=cast.staff, project=project, decision=passed)
    publish(cast, project)
    assert committed(fund) == D("80000.00")


def test_publish_refuses_a_fund_line_whose_decision_went_missing(cast):
    """Defence in depth: a row that lost its decision outside the services (an import, the
    admin) still cannot commit the community fund."""
    fund = community_fund(cast)
    project = draft(cast, decision=decision(cast), funding=[{"resource": fund, "amount": D("1")}])
    Project.objects.filter(pk=project.pk).update(budget=D("1.00"), decision=None)
    refused(InvalidTransition, "decision_required", publish, cast, project)
    foreign = decision(cast, community=f.community_at("430103004001"))
    Project.objects.filter(pk=project.pk).update(decision=foreign)
    refused(InvalidTransition, "decision_required", publish, cast, project)
    assert committed(fund) == D("0.00")


def test_a_decision_allows_its_amount_across_projects(cast):
    fund = community_fund(cast)
    allowed = decision(cast, amount="120000.00")

    def fund_project(amount):
        return draft(
            cast,
            budget=amount,
            decision=allowed,
            funding=[{"resource": fund, "amount": D(amount)}],
        )

    first = publish(cast, fund_project("100000.00"))
    second = fund_project("30000.00")
    error = refused(InvalidTransition, "decision_exceeded", publish, cast, second)
    assert "100000" in error.message
    assert committed(fund) == D("100000.00")
    # Exactly the rest fits.
    publish(cast, fund_project("20000.00"))
    # A cancelled project no longer uses its share of the decision.
    services.project_cancel(actor=cast.staff, project=first, reason="需求变更")
    publish(cast, second)
    assert committed(fund) == D("50000.00")
    assert_money()


def test_insufficient_funds_rolls_the_whole_publish_back(tree, cast):
    small = f.FundingResourceFactory(region=tree.city, amount=D("30000.00"))
    # Another project already holds 10,000 of the small resource.
    other = draft(cast, budget="10000.00", funding=[{"resource": small, "amount": D("10000")}])
    publish(cast, other)
    project = draft(
        cast,
        funding=[
            {"resource": cast.resource, "amount": D("50000.00")},  # fits, committed first
            {"resource": small, "amount": D("30000.00")},  # only 20,000 left
        ],
    )
    entries = LedgerEntry.objects.count()
    error = refused(InsufficientFunds, "insufficient_funds", publish, cast, project)
    assert error.status == 409
    assert "20000.00" in error.message
    assert status_of(project) == S.DRAFT
    assert (committed(cast.resource), committed(small)) == (D("0.00"), D("10000.00"))
    assert [li.committed for li in project.funding.all()] == [D("0.00"), D("0.00")]
    assert LedgerEntry.objects.count() == entries
    assert not project.transitions.filter(action="publish").exists()
    assert Project.objects.get(pk=project.pk).bid_deadline is None
    assert_money()


def test_a_resource_closed_after_drafting_cannot_be_committed(cast):
    project = draft(cast)
    FundingResource.objects.filter(pk=cast.resource.pk).update(status=ResourceStatus.CLOSED)
    refused(InvalidTransition, "invalid_transition", publish, cast, project)
    assert status_of(project) == S.DRAFT
    assert committed(cast.resource) == D("0.00")


def test_who_may_publish(cast, other_staff, outsider_official, city_official):
    for actor in (other_staff, outsider_official, cast.member, cast.reviewer):
        refused(
            NotAllowed,
            "permission_denied",
            services.project_publish,
            actor=actor,
            project=draft(cast),
            bid_deadline=timezone.now() + timedelta(days=3),
        )
    assert committed(cast.resource) == D("0.00")
    # The officials over the community may (the district's in the cast, and the city's).
    for actor in (cast.official, city_official):
        project = services.project_publish(
            actor=actor, project=draft(cast), bid_deadline=timezone.now() + timedelta(days=3)
        )
        assert project.status == S.PUBLISHED


# --- bidding ------------------------------------------------------------------------------


def test_bids_only_while_published(cast):
    project = draft(cast)
    refused(InvalidTransition, "invalid_transition", bid, cast, project)
    project, _ = reviewing(cast)
    refused(InvalidTransition, "invalid_transition", bid, cast, project, org=cast.rival)


def test_no_bid_after_the_deadline(cast):
    project = publish(cast, draft(cast))
    expire(project)
    error = refused(DeadlinePassed, "deadline_passed", bid, cast, project)
    assert error.status == 409
    assert not project.bids.exists()


def test_one_live_bid_per_org_and_a_new_one_after_withdrawing(cast):
    project = publish(cast, draft(cast))
    first = bid(cast, project)
    refused(InvalidTransition, "duplicate_bid", bid, cast, project, amount="70000.00")
    services.bid_withdraw(actor=cast.member, bid=first)
    first.refresh_from_db()
    assert (first.status, first.withdrawn_at is not None) == (BidStatus.WITHDRAWN, True)
    second = bid(cast, project, amount="70000.00")
    assert second.status == BidStatus.SUBMITTED
    assert list(project.bids.values_list("status", flat=True).order_by("id")) == [
        BidStatus.WITHDRAWN,
        BidStatus.SUBMITTED,
    ]
    # Another organization bids on the same project all the same.
    bid(cast, project, org=cast.rival)


@pytest.mark.parametrize("amount", ["80000.01", "0.00", "-5.00"])
def test_bid_amount_is_positive_and_at_most_the_budget(cast, amount):
    project = publish(cast, draft(cast))
    error = refused(ValidationFailed, "invalid", bid, cast, project, amount=amount)
    assert "amount" in error.fields
    assert not project.bids.exists()


def test_a_bid_of_exactly_the_budget_is_fine(cast):
    project = publish(cast, draft(cast))
    assert bid(cast, project, amount="80000.00").amount == D("80000.00")


def test_the_team_is_the_bidders_own_workers(cast):
    project = publish(cast, draft(cast))
    stranger = f.SocialWorkerFactory(org=cast.rival)
    error = refused(
        ValidationFailed, "invalid", bid, cast, project, team=[cast.workers[0], stranger]
    )
    assert list(error.fields) == ["team"]
    assert stranger.name in error.message
    made = bid(cast, project, team=cast.workers)
    assert set(made.team.all()) == set(cast.workers)


def test_an_empty_proposal_is_refused(cast):
    project = publish(cast, draft(cast))
    error = refused(
        ValidationFailed,
        "invalid",
        services.bid_submit,
        actor=cast.member,
        project=project,
        org=cast.org,
        amount=D("1000"),
        proposal="  ",
    )
    assert list(error.fields) == ["proposal"]


def test_open_procurement_refuses_an_unverified_org_and_non_members(cast):
    project = publish(cast, draft(cast))
    unverified = f.SocialOrgFactory(unverified=True)
    member = f.OrgMemberFactory(org=unverified).user
    refused(NotAllowed, "permission_denied", bid, cast, project, org=unverified, member=member)
    # A member of one organization cannot bid in the name of another.
    refused(NotAllowed, "permission_denied", bid, cast, project, org=cast.rival, member=cast.member)
    refused(NotAllowed, "permission_denied", bid, cast, project, member=cast.staff)
    assert not project.bids.exists()


def test_directed_procurement_takes_only_the_named_org(cast):
    project = publish(cast, draft(cast, procurement=Procurement.DIRECTED, directed_org=cast.org))
    refused(NotAllowed, "permission_denied", bid, cast, project, org=cast.rival)
    assert bid(cast, project).org == cast.org


def test_a_directed_draft_names_a_verified_org(cast):
    error = refused(ValidationFailed, "invalid", draft, cast, procurement=Procurement.DIRECTED)
    assert "directed_org" in error.fields
    unverified = f.SocialOrgFactory(unverified=True)
    error = refused(
        ValidationFailed,
        "invalid",
        draft,
        cast,
        procurement=Procurement.DIRECTED,
        directed_org=unverified,
    )
    assert "directed_org" in error.fields


def test_withdraw_only_before_the_deadline_and_only_by_the_bidder(cast):
    project = publish(cast, draft(cast))
    mine = bid(cast, project)
    refused(
        NotAllowed, "permission_denied", services.bid_withdraw, actor=cast.rival_member, bid=mine
    )
    refused(NotAllowed, "permission_denied", services.bid_withdraw, actor=cast.staff, bid=mine)
    expire(project)
    refused(DeadlinePassed, "deadline_passed", services.bid_withdraw, actor=cast.member, bid=mine)
    assert Bid.objects.get(pk=mine.pk).status == BidStatus.SUBMITTED


def test_a_withdrawn_bid_cannot_be_withdrawn_again(cast):
    project = publish(cast, draft(cast))
    mine = bid(cast, project)
    services.bid_withdraw(actor=cast.member, bid=mine)
    refused(
        InvalidTransition, "invalid_transition", services.bid_withdraw, actor=cast.member, bid=mine
    )


# --- closing the bidding ------------------------------------------------------------------


def test_close_bidding_waits_for_the_deadline(cast):
    project = publish(cast, draft(cast))
    bid(cast, project)
    error = refused(
        InvalidTransition,
        "deadline_not_reached",
        services.project_close_bidding,
        actor=cast.staff,
        project=project,
    )
    assert error.status == 409
    assert status_of(project) == S.PUBLISHED


def test_a_directed_project_closes_early_once_the_named_org_bid(cast):
    project = publish(cast, draft(cast, procurement=Procurement.DIRECTED, directed_org=cast.org))
    refused(
        InvalidTransition,
        "deadline_not_reached",
        services.project_close_bidding,
        actor=cast.staff,
        project=project,
    )
    bid(cast, project)
    services.project_close_bidding(actor=cast.staff, project=project)
    assert project.status == S.REVIEWING


def test_close_with_bids_goes_to_review(cast):
    project = publish(cast, draft(cast))
    bid(cast, project)
    bid(cast, project, org=cast.rival, amount="70000.00")
    expire(project)
    services.project_close_bidding(actor=cast.official, project=project)
    assert project.status == S.REVIEWING
    assert committed(cast.resource) == D("80000.00")  # still reserved
    step = project.transitions.get(action="close_bidding")
    assert (step.from_status, step.to_status, step.by) == (S.PUBLISHED, S.REVIEWING, cast.official)
    assert "2" in step.note


@pytest.mark.parametrize("withdrawn", [False, True], ids=["no bids", "only a withdrawn bid"])
def test_close_without_a_live_bid_fails_the_project_and_releases_the_money(cast, withdrawn):
    project = publish(cast, draft(cast))
    if withdrawn:
        services.bid_withdraw(actor=cast.member, bid=bid(cast, project))
    expire(project)
    services.project_close_bidding(actor=cast.staff, project=project)
    assert project.status == S.FAILED
    assert project.closed_at is not None
    assert committed(cast.resource) == D("0.00")
    releases = LedgerEntry.objects.filter(project=project, kind="release")
    assert list(releases.values_list("amount", flat=True)) == [D("80000.00")]
    assert project.transitions.get(action="fail_bidding").to_status == S.FAILED
    assert_money()


def test_who_may_close_and_not_twice(cast, outsider_official):
    project = publish(cast, draft(cast))
    bid(cast, project)
    expire(project)
    for actor in (cast.member, outsider_official, cast.reviewer):
        refused(
            NotAllowed,
            "permission_denied",
            services.project_close_bidding,
            actor=actor,
            project=project,
        )
    services.project_close_bidding(actor=cast.staff, project=project)
    refused(
        InvalidTransition,
        "invalid_transition",
        services.project_close_bidding,
        actor=cast.staff,
        project=project,
    )


def test_no_withdrawing_once_the_bidding_closed(cast):
    _, (mine,) = reviewing(cast)
    refused(
        InvalidTransition, "invalid_transition", services.bid_withdraw, actor=cast.member, bid=mine
    )
    assert Bid.objects.get(pk=mine.pk).status == BidStatus.SUBMITTED


def test_officials_over_the_community_assign_experts_from_the_pool(
    cast, outsider_official, city_official
):
    project = draft(cast)
    for actor in (cast.staff, outsider_official, cast.member):
        refused(
            NotAllowed,
            "permission_denied",
            services.project_assign,
            actor=actor,
            project=project,
            reviewers=[cast.reviewer],
        )
    error = refused(
        ValidationFailed,
        "invalid",
        services.project_assign,
        actor=cast.official,
        project=project,
        reviewers=[cast.staff],
        supervisors=[cast.reviewer],  # a reviewer, not in the supervisor pool
    )
    assert set(error.fields) == {"reviewers", "supervisors"}
    assert not project.assignments.exists()
    services.project_assign(actor=city_official, project=project, reviewers=[cast.reviewer])
    assert list(project.assignments.values_list("user", "role")) == [(cast.reviewer.id, "reviewer")]
    closed = services.project_cancel(actor=cast.staff, project=draft(cast), reason="x")
    refused(
        InvalidTransition,
        "invalid_transition",
        services.project_assign,
        actor=cast.official,
        project=closed,
        reviewers=[cast.reviewer],
    )


# --- review and award ---------------------------------------------------------------------


def test_only_assigned_reviewers_score_once_in_range_while_reviewing(cast, reviewer):
    project = publish(cast, draft(cast))
    assign(cast, project)
    mine = bid(cast, project)
    refused(InvalidTransition, "invalid_transition", review, cast, project, mine)
    expire(project)
    services.project_close_bidding(actor=cast.staff, project=project)
    # `reviewer` is in the pool but not assigned to this project; the supervisor is assigned,
    # but not as a reviewer.
    for actor in (reviewer, cast.supervisor, cast.staff, cast.official):
        refused(NotAllowed, "permission_denied", review, cast, project, mine, reviewer=actor)
    error = refused(ValidationFailed, "invalid", review, cast, project, mine, score=101)
    assert set(error.fields) == {"capacity", "plan", "budget", "track_record"}
    made = review(cast, project, mine, score=80)
    assert made.total == D("80.00")
    refused(InvalidTransition, "duplicate_review", review, cast, project, mine, score=60)


def test_award_needs_reviews_or_a_reason(cast):
    project, (mine,) = reviewing(cast)
    refused(
        InvalidTransition,
        "reviews_missing",
        services.project_award,
        actor=cast.staff,
        project=project,
        bid=mine,
    )
    refused(
        InvalidTransition,
        "reviews_missing",
        services.project_award,
        actor=cast.staff,
        project=project,
        bid=mine,
        reason="   ",
    )
    assert status_of(project) == S.REVIEWING
    services.project_award(
        actor=cast.staff, project=project, bid=mine, reason="评审专家请假，经集体研究决定"
    )
    assert project.status == S.AWARDED
    assert project.award_reason == "评审专家请假，经集体研究决定"


def test_the_best_reviewed_bid_wins_without_a_reason(cast):
    project, (mine, theirs) = reviewing(cast, amounts=("75000.00", "60000.00"))
    review(cast, project, mine, score=90)
    review(cast, project, theirs, score=70)
    review(cast, project, theirs, reviewer=cast.reviewer2, score=95)  # mean 82.5 < 90
    assert [row[0] for row in services.bid_rankings(project)] == [mine, theirs]
    refused(
        InvalidTransition,
        "reason_required",
        services.project_award,
        actor=cast.staff,
        project=project,
        bid=theirs,
    )
    assert status_of(project) == S.REVIEWING
    services.project_award(actor=cast.staff, project=project, bid=mine)
    assert (project.awarded_bid, project.contract_amount) == (mine, D("75000.00"))
    assert project.award_reason == ""
    assert Bid.objects.get(pk=theirs.pk).status == BidStatus.LOST
    assert Bid.objects.get(pk=mine.pk).status == BidStatus.AWARDED


def test_an_unreviewed_bid_needs_a_reason_when_others_were_reviewed(cast):
    project, (mine, theirs) = reviewing(cast, amounts=("75000.00", "60000.00"))
    review(cast, project, mine, score=50)
    refused(
        InvalidTransition,
        "reason_required",
        services.project_award,
        actor=cast.staff,
        project=project,
        bid=theirs,
    )
    services.project_award(
        actor=cast.staff, project=project, bid=theirs, reason="报价更低，方案可行"
    )
    assert project.awarded_bid == theirs
    assert project.transitions.get(action="award").note == "报价更低，方案可行"
    assert Bid.objects.get(pk=mine.pk).status == BidStatus.LOST


def test_tied_bids_may_each_win_without_a_reason(cast):
    project, (mine, theirs) = reviewing(cast, amounts=("75000.00", "60000.00"))
    review(cast, project, mine, score=80)
    review(cast, project, theirs, score=80)
    # The cheaper of the tied bids ranks first, but the other is as well reviewed.
    assert [row[0] for row in services.bid_rankings(project)] == [theirs, mine]
    services.project_award(actor=cast.staff, project=project, bid=mine)
    assert project.awarded_bid == mine


def test_award_releases_the_budget_above_the_contract(tree, cast):
    other = f.FundingResourceFactory(region=tree.city, amount=D("30000.00"))
    project = draft(
        cast,
        funding=[
            {"resource": cast.resource, "amount": D("50000.00")},
            {"resource": other, "amount": D("30000.00")},
        ],
    )
    assign(cast, project)
    publish(cast, project)
    won = bid(cast, project, amount="62000.00")
    expire(project)
    services.project_close_bidding(actor=cast.staff, project=project)
    review(cast, project, won)
    services.project_award(actor=cast.official, project=project, bid=won)
    # 18,000 above the contract goes back, from the last line first.
    assert (committed(cast.resource), committed(other)) == (D("50000.00"), D("12000.00"))
    assert list(
        LedgerEntry.objects.filter(project=project, kind="release").values_list(
            "resource", "amount"
        )
    ) == [(other.id, D("18000.00"))]
    lines = list(project.funding.order_by("id"))
    assert [li.outstanding for li in lines] == [D("50000.00"), D("12000.00")]
    assert sum(li.outstanding for li in lines) == project.contract_amount
    assert_money()


def test_award_refuses_a_bid_that_is_not_live_here(cast):
    project, _ = reviewing(cast)
    _, (foreign,) = reviewing(cast)
    error = refused(
        ValidationFailed,
        "invalid",
        services.project_award,
        actor=cast.staff,
        project=project,
        bid=foreign,
        reason="x",
    )
    assert "bid" in error.fields
    assert status_of(project) == S.REVIEWING


def test_who_may_award(cast, outsider_official, other_staff):
    project, (mine,) = reviewing(cast)
    review(cast, project, mine)
    for actor in (cast.member, outsider_official, other_staff, cast.reviewer):
        refused(
            NotAllowed,
            "permission_denied",
            services.project_award,
            actor=actor,
            project=project,
            bid=mine,
        )
    services.project_award(actor=cast.official, project=project, bid=mine)
    assert project.status == S.AWARDED


# --- delivery -----------------------------------------------------------------------------


def test_start_needs_the_award_and_the_awarded_org_or_the_community(cast):
    project, (mine,) = reviewing(cast)
    refused(
        InvalidTransition,
        "invalid_transition",
        services.project_start,
        actor=cast.staff,
        project=project,
    )
    review(cast, project, mine)
    services.project_award(actor=cast.staff, project=project, bid=mine)
    for actor in (cast.rival_member, cast.official, cast.supervisor):
        refused(
            NotAllowed, "permission_denied", services.project_start, actor=actor, project=project
        )
    services.project_start(actor=cast.staff, project=project)
    assert project.status == S.IN_PROGRESS and project.started_at is not None


def test_progress_reports_by_the_awarded_org_while_running(cast):
    project = advance(cast, draft(cast), S.AWARDED)
    refused(InvalidTransition, "invalid_transition", report, cast, project)
    services.project_start(actor=cast.member, project=project)
    for actor in (cast.rival_member, cast.staff, cast.official):
        refused(NotAllowed, "permission_denied", report, cast, project, member=actor)
    made = report(cast, project)
    assert (made.org, made.submitted_by, made.beneficiaries_served) == (cast.org, cast.member, 60)
    error = refused(
        ValidationFailed,
        "invalid",
        services.progress_report_submit,
        actor=cast.member,
        project=project,
        period_end=timezone.localdate(),
        summary="",
        beneficiaries_served=10,
    )
    assert list(error.fields) == ["summary"]
    visit(cast, project)
    final_report(cast, project)
    refused(InvalidTransition, "invalid_transition", report, cast, project)


def test_supervision_by_assigned_supervisors_not_in_the_future_rated_1_to_5(cast, supervisor):
    project = advance(cast, draft(cast), S.AWARDED)
    refused(InvalidTransition, "invalid_transition", visit, cast, project)
    services.project_start(actor=cast.member, project=project)
    # `supervisor` is in the pool but not on this project; the reviewer is assigned as one.
    for actor in (supervisor, cast.reviewer, cast.official, cast.staff, cast.member):
        refused(NotAllowed, "permission_denied", visit, cast, project, supervisor=actor)
    tomorrow = timezone.localdate() + timedelta(days=1)
    error = refused(ValidationFailed, "invalid", visit, cast, project, on=tomorrow)
    assert list(error.fields) == ["visited_on"]
    for rating in (0, 6):
        error = refused(ValidationFailed, "invalid", visit, cast, project, rating=rating)
        assert "rating" in error.fields
    assert visit(cast, project, rating=1).rating == 1
    assert visit(cast, project, rating=5, on=timezone.localdate() - timedelta(days=3)).rating == 5
    assert project.visits.count() == 2


def test_the_final_report_must_say_something(cast):
    project = advance(cast, draft(cast), S.IN_PROGRESS)
    error = refused(ValidationFailed, "invalid", final_report, cast, project, text=" ")
    assert list(error.fields) == ["report"]
    assert status_of(project) == S.IN_PROGRESS
    refused(NotAllowed, "permission_denied", services.project_submit_final_report,
            actor=cast.rival_member, project=project, report="x")  # fmt: skip


def test_acceptance_needs_a_supervision_visit(cast):
    project = advance(cast, draft(cast), S.IN_PROGRESS)
    final_report(cast, project)
    error = refused(InvalidTransition, "supervision_missing", accept, cast, project)
    assert error.status == 409
    assert status_of(project) == S.ACCEPTANCE
    assert not project.acceptances.exists()
    # A visit during acceptance is fine, and then it may pass.
    visit(cast, project)
    accept(cast, project)
    assert project.status == S.COMPLETED


def test_acceptance_refuses_a_bad_result_or_score(cast):
    project = advance(cast, draft(cast), S.ACCEPTANCE)
    error = refused(ValidationFailed, "invalid", accept, cast, project, "maybe")
    assert "result" in error.fields
    error = refused(ValidationFailed, "invalid", accept, cast, project, score=101)
    assert "score" in error.fields
    assert status_of(project) == S.ACCEPTANCE
    assert not project.acceptances.exists()


def test_who_may_accept(cast, outsider_official, city_official):
    project = advance(cast, draft(cast), S.ACCEPTANCE)
    for actor in (cast.staff, outsider_official, cast.supervisor, cast.member):
        refused(NotAllowed, "permission_denied", accept, cast, project, actor=actor)
    accept(cast, project, actor=city_official)
    assert project.status == S.COMPLETED


def test_fail_once_rectify_resubmit_and_pass(cast):
    project = advance(cast, draft(cast), S.ACCEPTANCE)
    accept(cast, project, "fail", score=55)
    assert (project.status, project.rectified, project.acceptance_score) == (
        S.RECTIFICATION,
        True,
        None,
    )
    assert committed(cast.resource) == D("75000.00")  # still reserved while they fix it
    # While fixing: reports and visits go on; acceptance waits for the new final report.
    report(cast, project)
    visit(cast, project, rating=3)
    refused(InvalidTransition, "invalid_transition", accept, cast, project)
    final_report(cast, project, text="整改后补充服务 30 名老人。")
    assert project.status == S.ACCEPTANCE
    assert project.final_report == "整改后补充服务 30 名老人。"
    accept(cast, project, score=82)
    assert (project.status, project.acceptance_score) == (S.COMPLETED, 82)
    resource = FundingResource.objects.get(pk=cast.resource.pk)
    assert (resource.committed, resource.disbursed) == (D("75000.00"), D("75000.00"))
    assert list(project.acceptances.values_list("result", "score")) == [("fail", 55), ("pass", 82)]
    assert_money()


def test_fail_twice_and_the_money_goes_back(cast):
    project = advance(cast, draft(cast), S.ACCEPTANCE)
    accept(cast, project, "fail", score=50)
    final_report(cast, project, text="整改报告")
    accept(cast, project, "fail", score=40)
    assert (project.status, project.acceptance_score) == (S.FAILED, 40)
    assert project.closed_at is not None
    resource = FundingResource.objects.get(pk=cast.resource.pk)
    assert (resource.committed, resource.disbursed, resource.available) == (
        D("0.00"),
        D("0.00"),
        D("500000.00"),
    )
    assert list(
        LedgerEntry.objects.filter(project=project).values_list("kind", "amount").order_by("id")
    ) == [("commit", D("80000.00")), ("release", D("5000.00")), ("release", D("75000.00"))]
    assert_money()


# --- cancelling ---------------------------------------------------------------------------

# The money still reserved in each state a project can be cancelled from (budget 80,000,
# contract 75,000 once awarded).
CANCELLABLE = {
    S.DRAFT: D("0.00"),
    S.PUBLISHED: D("80000.00"),
    S.REVIEWING: D("80000.00"),
    S.AWARDED: D("75000.00"),
    S.IN_PROGRESS: D("75000.00"),
    S.RECTIFICATION: D("75000.00"),
}


@pytest.mark.parametrize("state", list(CANCELLABLE))
def test_cancel_releases_exactly_what_is_outstanding(cast, state):
    project = walk(cast, state)
    before = committed(cast.resource)
    releases = LedgerEntry.objects.filter(project=project, kind="release").count()
    services.project_cancel(actor=cast.official, project=project, reason="  街道统筹调整  ")
    assert project.status == S.CANCELLED
    assert project.cancel_reason == "街道统筹调整"
    assert project.closed_at is not None
    assert before - committed(cast.resource) == CANCELLABLE[state]
    new = LedgerEntry.objects.filter(project=project, kind="release").order_by("id")[releases:]
    assert [e.amount for e in new] == ([CANCELLABLE[state]] if CANCELLABLE[state] else [])
    step = project.transitions.get(action="cancel")
    assert (step.from_status, step.to_status, step.by, step.note) == (
        state,
        S.CANCELLED,
        cast.official,
        "街道统筹调整",
    )
    assert_money()


@pytest.mark.parametrize("state", [S.ACCEPTANCE, S.COMPLETED, S.FAILED, S.CANCELLED])
def test_no_cancel_from(cast, state):
    project = walk(cast, state)
    before = committed(cast.resource)
    refused(
        InvalidTransition,
        "invalid_transition",
        services.project_cancel,
        actor=cast.official,
        project=project,
        reason="x",
    )
    assert status_of(project) == state
    assert committed(cast.resource) == before


def test_cancel_needs_a_reason(cast):
    project = publish(cast, draft(cast))
    error = refused(
        ValidationFailed,
        "invalid",
        services.project_cancel,
        actor=cast.staff,
        project=project,
        reason=" ",
    )
    assert list(error.fields) == ["reason"]
    assert status_of(project) == S.PUBLISHED


@pytest.mark.parametrize("state", [S.DRAFT, S.PUBLISHED, S.REVIEWING, S.AWARDED])
def test_the_community_cancels_until_the_work_starts(cast, state):
    project = walk(cast, state)
    services.project_cancel(actor=cast.staff, project=project, reason="需求变更")
    assert project.status == S.CANCELLED


@pytest.mark.parametrize("state", [S.IN_PROGRESS, S.RECTIFICATION])
def test_once_running_only_officials_cancel(cast, state, city_official):
    project = walk(cast, state)
    refused(
        NotAllowed,
        "permission_denied",
        services.project_cancel,
        actor=cast.staff,
        project=project,
        reason="需求变更",
    )
    assert status_of(project) == state
    services.project_cancel(actor=city_official, project=project, reason="机构违约")
    assert project.status == S.CANCELLED


def test_the_community_cannot_cancel_through_a_stale_copy(cast):
    """The permission follows the locked row: a copy read while the project was awarded does
    not let the community cancel it once the organization has started."""
    project = advance(cast, draft(cast), S.AWARDED)
    stale = Project.objects.get(pk=project.pk)
    services.project_start(actor=cast.member, project=project)
    refused(
        NotAllowed,
        "permission_denied",
        services.project_cancel,
        actor=cast.staff,
        project=stale,
        reason="需求变更",
    )
    assert status_of(project) == S.IN_PROGRESS
    assert committed(cast.resource) == D("75000.00")


def test_who_may_not_cancel(cast, outsider_official, other_staff):
    project = publish(cast, draft(cast))
    bid(cast, project)
    for actor in (outsider_official, other_staff, cast.member, cast.reviewer):
        refused(
            NotAllowed,
            "permission_denied",
            services.project_cancel,
            actor=actor,
            project=project,
            reason="x",
        )
    assert status_of(project) == S.PUBLISHED


# --- the transition table -----------------------------------------------------------------

STATES = [
    S.DRAFT,
    S.PUBLISHED,
    S.REVIEWING,
    S.AWARDED,
    S.IN_PROGRESS,
    S.ACCEPTANCE,
    S.RECTIFICATION,
    S.COMPLETED,
    S.FAILED,
    S.CANCELLED,
]


def _act(cast, project, action):
    """Call the service of `action` as someone allowed to do it in general."""
    deadline = timezone.now() + timedelta(days=3)
    calls = {
        "publish": lambda: services.project_publish(
            actor=cast.official, project=project, bid_deadline=deadline
        ),
        "close_bidding": lambda: services.project_close_bidding(
            actor=cast.official, project=project
        ),
        "award": lambda: services.project_award(
            actor=cast.official,
            project=project,
            bid=project.awarded_bid or f.BidFactory(project=project, org=cast.org),
            reason="x",
        ),
        "start": lambda: services.project_start(actor=cast.staff, project=project),
        "submit_final_report": lambda: final_report(cast, project),
        "accept": lambda: accept(cast, project),
    }
    return calls[action]()


ALLOWED = {
    "publish": {S.DRAFT},
    "close_bidding": {S.PUBLISHED},
    "award": {S.REVIEWING},
    "start": {S.AWARDED},
    "submit_final_report": {S.IN_PROGRESS, S.RECTIFICATION},
    "accept": {S.ACCEPTANCE},
}


@pytest.mark.parametrize("state", STATES)
def test_every_illegal_move_is_an_invalid_transition(cast, state):
    project = walk(cast, state)
    before = (project.transitions.count(), LedgerEntry.objects.count())
    for action, sources in ALLOWED.items():
        if state in sources:
            continue
        if action == "submit_final_report" and project.awarded_bid_id is None:
            # Nobody is the awarded organization yet: who files is checked first.
            refused(NotAllowed, "permission_denied", _act, cast, project, action)
            continue
        error = refused(InvalidTransition, "invalid_transition", _act, cast, project, action)
        assert error.status == 409
        assert status_of(project) == state, action
    assert (project.transitions.count(), LedgerEntry.objects.count()) == before
    assert_log(project)


# --- the transition log -------------------------------------------------------------------


def chain(project):
    return list(project.transitions.order_by("at", "id"))


def test_the_log_of_a_rectified_project(cast):
    project = advance(cast, draft(cast), S.ACCEPTANCE)
    accept(cast, project, "fail", score=55)
    final_report(cast, project)
    accept(cast, project, score=80)
    assert_log(project)
    rows = [(t.action, t.to_status, t.by) for t in chain(project)]
    assert rows == [
        ("create", S.DRAFT, cast.staff),
        ("publish", S.PUBLISHED, cast.staff),
        ("close_bidding", S.REVIEWING, cast.staff),
        ("award", S.AWARDED, cast.staff),
        ("start", S.IN_PROGRESS, cast.member),
        ("submit_final_report", S.ACCEPTANCE, cast.member),
        ("accept_fail", S.RECTIFICATION, cast.official),
        ("submit_final_report", S.ACCEPTANCE, cast.member),
        ("accept_pass", S.COMPLETED, cast.official),
    ]
    notes = {t.action: t.note for t in chain(project)}
    # Translated sentences, so only their numbers are checked: one bid, the scores.
    assert "1" in notes["close_bidding"]
    assert notes["award"]  # "best-reviewed bid" when no reason was given
    assert notes["accept_fail"].endswith(" 55") and notes["accept_pass"].endswith(" 80")


def test_refused_moves_leave_no_trace_in_the_log(cast):
    project = publish(cast, draft(cast))
    before = chain(project)
    with pytest.raises(InvalidTransition):
        services.project_close_bidding(actor=cast.staff, project=project)
    with pytest.raises(NotAllowed):
        services.project_cancel(actor=cast.member, project=project, reason="x")
    assert chain(project) == before
