"""`/api/v1/projects/` and `/api/v1/notifications/`: drafting, every refused move with its code,
who sees what, the `actions` each caller gets, filters, bad input and query counts.

Projects are set up through the services (tests/projects/story.py) so each test starts from a
state reached the real way; what is asserted goes through the API with knox tokens.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from projects import services
from projects.choices import ExpertRole, ProjectStatus, ProviderType, ResourceStatus
from projects.models import (
    Assignment,
    Bid,
    FundingResource,
    Project,
    ProjectFunding,
)
from projects.permissions import project_actions
from tests import factories as f
from tests.projects.story import (
    assign,
    bid,
    community_fund,
    decision,
    draft,
    expire,
    final_report,
    make_cast,
    publish,
    review,
    walk,
)

from .conftest import assert_error
from .test_schema_and_fuzz import NASTY, SWEEP_VALUES, _send, assert_no_server_error

pytestmark = pytest.mark.django_db

S = ProjectStatus
PROJECTS = "/api/v1/projects/"
NOTIFICATIONS = "/api/v1/notifications/"


def ok(response, status: int = 200):
    assert response.status_code == status, (response.status_code, response.content[:800])
    return response.json()


def at(project, suffix: str = "") -> str:
    pk = project if isinstance(project, int) else project.pk
    return f"{PROJECTS}{pk}/{suffix}"


def in_days(days: float) -> str:
    return (timezone.now() + timedelta(days=days)).isoformat()


def status_of(project) -> str:
    return Project.objects.get(pk=project.pk).status


@pytest.fixture
def cast(tree, staff_user, district_official, org, org_member):
    return make_cast(
        tree,
        staff_user=staff_user,
        district_official=district_official,
        org=org,
        org_member=org_member,
    )


def body_for(cast, **overrides) -> dict:
    data = {
        "title": "坡子街社区老年助餐服务项目",
        "community": cast.community.id,
        "category": "elderly_meals",
        "year": 2026,
        "budget": "80000.00",
        "procurement": "open",
        "funding": [{"resource": cast.resource.id, "amount": "80000.00"}],
    }
    data.update(overrides)
    return data


# --- drafting --------------------------------------------------------------------------------


def test_staff_draft_a_project_and_edit_it_while_it_is_a_draft(api, cast):
    staff = api(cast.staff)
    need = f.ServiceNeedFactory(community=cast.community, category=f.category("elderly_meals"))
    body = ok(staff.post(PROJECTS, body_for(cast, need=need.id), format="json"), 201)
    assert (body["need"], body["community"], body["status"]) == (
        need.id,
        cast.community.id,
        "draft",
    )
    assert body["budget"] == "80000.00"

    other = f.FundingResourceFactory(name="天心区福彩公益金", region=cast.community.region.parent)
    body = ok(
        staff.patch(
            at(body["id"]),
            {
                "title": "坡子街社区老年助餐（扩面）",
                "budget": "90000.00",
                "funding": [
                    {"resource": cast.resource.id, "amount": "50000.00"},
                    {"resource": other.id, "amount": "40000.00"},
                ],
            },
            format="json",
        )
    )
    assert body["title"] == "坡子街社区老年助餐（扩面）"
    assert [(li["resource"], li["amount"]) for li in body["funding"]] == [
        (cast.resource.id, "50000.00"),
        (other.id, "40000.00"),
    ]
    # Without `funding` the lines stay as they are.
    body = ok(staff.patch(at(body["id"]), {"beneficiaries": 80}, format="json"))
    assert (body["beneficiaries"], len(body["funding"])) == (80, 2)


def test_drafting_is_for_the_communitys_staff(api, cast, roles):
    assert_error(api().post(PROJECTS, body_for(cast), format="json"), 401)
    for who in (roles.staff_other, roles.member_here, roles.official_in):
        assert_error(
            api(who).post(PROJECTS, body_for(cast), format="json"), 403, "permission_denied"
        )
    project = draft(cast)
    assert_error(
        api(cast.official).patch(at(project), {"title": "改"}, format="json"),
        403,
        "permission_denied",
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"community": 999_999}, "community"),
        ({"category": "no_such_category"}, "category"),
        ({"budget": "-5"}, "budget"),
        ({"budget": "abc"}, "budget"),
        ({"year": 1999}, "year"),
        ({"procurement": "auction"}, "procurement"),
        ({"period_start": "2026-06-01", "period_end": "2026-01-01"}, "period_end"),
        ({"funding": [{"resource": 999_999, "amount": "80000.00"}]}, "funding"),
        ({"funding": [{"amount": "80000.00"}]}, "funding"),
        ({"funding": "all of it"}, "funding"),
        ({"budget": "50000.00"}, "funding"),  # lines add up to more than the budget
        ({"procurement": "directed"}, "directed_org"),  # names no organization
    ],
)
def test_bad_drafts_are_400_naming_the_field(api, cast, overrides, field):
    response = api(cast.staff).post(PROJECTS, body_for(cast, **overrides), format="json")
    assert_error(response, 400, "invalid", field)
    assert not Project.objects.exists()


def test_required_fields_are_named(api, cast):
    body = assert_error(api(cast.staff).post(PROJECTS, {}, format="json"), 400, "invalid")
    assert {"title", "community", "budget"} <= set(body["fields"])


def test_community_fund_needs_a_decision_of_the_community(api, cast):
    fund = community_fund(cast)
    lines = [{"resource": fund.id, "amount": "80000.00"}]
    response = api(cast.staff).post(PROJECTS, body_for(cast, funding=lines), format="json")
    assert_error(response, 400, "invalid", "decision")
    # Another community's fund is not this project's money.
    elsewhere = f.FundingResourceFactory(
        community_fund=True, community=f.community_at("430103004002", name="黄兴路社区")
    )
    lines = [{"resource": elsewhere.id, "amount": "80000.00"}]
    response = api(cast.staff).post(PROJECTS, body_for(cast, funding=lines), format="json")
    assert_error(response, 400, "invalid", "funding")


def test_only_drafts_change_and_never_their_community(api, cast, tree):
    project = draft(cast)
    response = api(cast.staff).patch(
        at(project), {"community": tree.chengnanlu_community.id}, format="json"
    )
    assert_error(response, 400, "invalid", "community")
    publish(cast, project)
    response = api(cast.staff).patch(at(project), {"title": "改名"}, format="json")
    assert_error(response, 409, "invalid_transition")
    assert Project.objects.get(pk=project.pk).title == "坡子街社区老年助餐服务项目"


def test_put_and_delete_are_not_offered(api, cast):
    project = draft(cast)
    assert api(cast.staff).put(at(project), body_for(cast), format="json").status_code == 405
    assert api(cast.staff).delete(at(project)).status_code == 405


# --- every illegal move is a 409 with its code ----------------------------------------------


def test_bid_after_the_deadline(api, cast):
    project = expire(publish(cast, draft(cast)))
    response = api(cast.member).post(
        at(project, "bids/"), {"amount": "70000.00", "proposal": "方案"}, format="json"
    )
    assert_error(response, 409, "deadline_passed")
    assert not Bid.objects.exists()


def test_second_bid_of_one_organization(api, cast):
    project = publish(cast, draft(cast))
    bid(cast, project)
    response = api(cast.member).post(
        at(project, "bids/"), {"amount": "70000.00", "proposal": "再投一次"}, format="json"
    )
    assert_error(response, 409, "duplicate_bid")
    assert Bid.objects.count() == 1


def test_award_without_reviews_needs_a_reason(api, cast):
    project = walk(cast, S.REVIEWING)
    response = api(cast.staff).post(at(project, "award/"), {"bid": project._bid.id}, format="json")
    assert_error(response, 409, "reviews_missing")
    assert status_of(project) == S.REVIEWING


def test_award_of_a_bid_that_is_not_the_best_needs_a_reason(api, cast):
    project = publish(cast, draft(cast))
    best = bid(cast, project, amount="78000.00")
    other = bid(cast, project, org=cast.rival, amount="60000.00")
    expire(project)
    services.project_close_bidding(actor=cast.staff, project=project)
    assign(cast, project)
    review(cast, project, best, score=90)
    review(cast, project, other, score=70)
    staff = api(cast.staff)
    response = staff.post(at(project, "award/"), {"bid": other.id}, format="json")
    assert_error(response, 409, "reason_required")
    assert status_of(project) == S.REVIEWING
    body = ok(
        staff.post(
            at(project, "award/"), {"bid": other.id, "reason": "报价低两万元"}, format="json"
        )
    )
    assert (body["status"], body["awarded_bid"], body["award_reason"]) == (
        "awarded",
        other.id,
        "报价低两万元",
    )


def test_accept_without_a_supervision_visit(api, cast):
    project = walk(cast, S.IN_PROGRESS)
    final_report(cast, project)
    response = api(cast.official).post(
        at(project, "accept/"), {"result": "pass", "score": 90}, format="json"
    )
    assert_error(response, 409, "supervision_missing")
    assert status_of(project) == S.ACCEPTANCE


def test_publish_with_a_decision_that_did_not_pass(api, cast):
    fund = community_fund(cast)
    failed = decision(cast, passed=False)
    project = draft(
        cast, funding=[{"resource": fund, "amount": Decimal("80000.00")}], decision=failed
    )
    response = api(cast.staff).post(
        at(project, "publish/"), {"bid_deadline": in_days(7)}, format="json"
    )
    assert_error(response, 409, "decision_not_passed")
    assert status_of(project) == S.DRAFT
    assert FundingResource.objects.get(pk=fund.pk).committed == 0


def test_publish_with_incomplete_funding(api, cast):
    project = draft(cast, funding=[{"resource": cast.resource, "amount": Decimal("50000.00")}])
    response = api(cast.staff).post(
        at(project, "publish/"), {"bid_deadline": in_days(7)}, format="json"
    )
    assert_error(response, 409, "funding_incomplete")
    assert status_of(project) == S.DRAFT


def test_publish_twice_and_start_before_the_award(api, cast):
    project = draft(cast)
    staff = api(cast.staff)
    ok(staff.post(at(project, "publish/"), {"bid_deadline": in_days(7)}, format="json"))
    response = staff.post(at(project, "publish/"), {"bid_deadline": in_days(7)}, format="json")
    assert_error(response, 409, "invalid_transition")
    assert_error(staff.post(at(project, "start/")), 409, "invalid_transition")
    # One commit on the ledger, not two.
    assert FundingResource.objects.get(pk=cast.resource.pk).committed == Decimal("80000.00")


def test_close_bidding_before_the_deadline(api, cast):
    project = publish(cast, draft(cast))
    bid(cast, project)
    assert_error(api(cast.staff).post(at(project, "close-bidding/")), 409, "deadline_not_reached")
    assert status_of(project) == S.PUBLISHED


def test_withdraw_before_the_deadline_but_not_after(api, cast):
    project = publish(cast, draft(cast))
    mine = bid(cast, project)
    member = api(cast.member)
    body = ok(member.post(at(project, f"bids/{mine.id}/withdraw/")))
    assert (body["id"], body["status"]) == (mine.id, "withdrawn")
    assert body["withdrawn_at"]
    again = bid(cast, project)  # a withdrawn bid does not block a new one
    expire(project)
    response = member.post(at(project, f"bids/{again.id}/withdraw/"))
    assert_error(response, 409, "deadline_passed")
    assert Bid.objects.get(pk=again.pk).status == "submitted"
    # Someone else's bid is not there to withdraw; a rival cannot even see it.
    assert_error(api(cast.rival_member).post(at(project, f"bids/{again.id}/withdraw/")), 404)
    assert_error(api(cast.member).post(at(project, "bids/999999/withdraw/")), 404)


def test_publish_when_the_resource_ran_out(api, cast):
    small = f.FundingResourceFactory(amount=Decimal("100000.00"), region=cast.community.region)
    first = draft(cast, funding=[{"resource": small, "amount": Decimal("80000.00")}])
    second = draft(cast, funding=[{"resource": small, "amount": Decimal("80000.00")}])
    staff = api(cast.staff)
    ok(staff.post(at(first, "publish/"), {"bid_deadline": in_days(7)}, format="json"))
    response = staff.post(at(second, "publish/"), {"bid_deadline": in_days(7)}, format="json")
    assert_error(response, 409, "insufficient_funds")
    assert status_of(second) == S.DRAFT
    body = ok(api().get(f"/api/v1/resources/{small.id}/"))
    assert (body["committed"], body["available"]) == ("80000.00", "20000.00")


def test_publish_needs_a_future_deadline(api, cast):
    project = draft(cast)
    staff = api(cast.staff)
    assert_error(
        staff.post(at(project, "publish/"), {}, format="json"), 400, "invalid", "bid_deadline"
    )
    response = staff.post(at(project, "publish/"), {"bid_deadline": in_days(-1)}, format="json")
    assert_error(response, 400, "invalid", "bid_deadline")
    response = staff.post(at(project, "publish/"), {"bid_deadline": "next friday"}, format="json")
    assert_error(response, 400, "invalid", "bid_deadline")
    assert status_of(project) == S.DRAFT


def test_cancel_releases_the_money_and_needs_a_reason(api, cast):
    project = publish(cast, draft(cast))
    staff = api(cast.staff)
    assert_error(staff.post(at(project, "cancel/"), {}, format="json"), 400, "invalid", "reason")
    body = ok(staff.post(at(project, "cancel/"), {"reason": "需求已由街道统筹"}, format="json"))
    assert (body["status"], body["cancel_reason"]) == ("cancelled", "需求已由街道统筹")
    assert (body["committed"], body["released"], body["outstanding"]) == (
        "80000.00",
        "80000.00",
        "0.00",
    )
    assert FundingResource.objects.get(pk=cast.resource.pk).available == Decimal("500000.00")
    # Cancelled is final, even for the officials who may cancel at any stage.
    response = api(cast.official).post(at(project, "cancel/"), {"reason": "再取消"}, format="json")
    assert_error(response, 409, "invalid_transition")


# --- bids, reviews and the rest: input and permissions ---------------------------------------


def test_bid_input(api, cast, roles):
    project = publish(cast, draft(cast))
    url = at(project, "bids/")
    member = api(cast.member)
    for body, field in (
        ({"proposal": "方案"}, "amount"),
        ({"amount": "90000.00", "proposal": "方案"}, "amount"),  # more than the budget
        ({"amount": "0", "proposal": "方案"}, "amount"),
        ({"amount": "70000.00"}, "proposal"),
        ({"amount": "70000.00", "proposal": "方案", "team": [999_999]}, "team"),
        ({"amount": "70000.00", "proposal": "方案", "org": 999_999}, "org"),
    ):
        assert_error(member.post(url, body, format="json"), 400, "invalid", field)
    # Workers of another organization are not this bidder's team.
    stranger = f.SocialWorkerFactory(org=cast.rival)
    body = {"amount": "70000.00", "proposal": "方案", "team": [stranger.id]}
    assert_error(member.post(url, body, format="json"), 400, "invalid", "team")
    # Not a member of any organization; a member of two must say which one.
    body = {"amount": "70000.00", "proposal": "方案"}
    assert_error(api(cast.staff).post(url, body, format="json"), 403, "permission_denied")
    f.OrgMemberFactory(org=cast.rival, user=cast.member)
    assert_error(member.post(url, body, format="json"), 400, "invalid", "org")
    created = ok(member.post(url, {**body, "org": cast.rival.id}, format="json"), 201)
    assert created["org"] == cast.rival.id
    # Bidding for an organization one does not belong to.
    response = api(roles.member_other).post(url, {**body, "org": cast.org.id}, format="json")
    assert_error(response, 403, "permission_denied")
    assert_error(api().post(url, body, format="json"), 401)


def test_review_input_and_who_may_review(api, cast):
    project = walk(cast, S.REVIEWING)
    other = walk(cast, S.REVIEWING)
    url = at(project, "reviews/")
    scores = {"capacity": 80, "plan": 80, "budget": 80, "track_record": 80}
    reviewer = api(cast.reviewer)
    assert_error(
        reviewer.post(
            url, {"bid": project._bid.id, "scores": {**scores, "plan": 101}}, format="json"
        ),
        400,
        "invalid",
        "scores",
    )
    assert_error(
        reviewer.post(url, {"bid": project._bid.id, "scores": {"plan": 80}}, format="json"),
        400,
        "invalid",
        "scores",
    )
    # A bid of another project is not a bid here.
    assert_error(
        reviewer.post(url, {"bid": other._bid.id, "scores": scores}, format="json"),
        400,
        "invalid",
        "bid",
    )
    for who in (cast.member, cast.staff, cast.supervisor):
        response = api(who).post(url, {"bid": project._bid.id, "scores": scores}, format="json")
        assert_error(response, 403, "permission_denied")
    ok(reviewer.post(url, {"bid": project._bid.id, "scores": scores}, format="json"), 201)
    response = reviewer.post(url, {"bid": project._bid.id, "scores": scores}, format="json")
    assert_error(response, 409, "duplicate_review")


def test_assign_takes_experts_from_the_pool_and_only_officials_assign(api, cast, tree):
    project = publish(cast, draft(cast))
    url = at(project, "assign/")
    outsider = f.UserFactory()
    response = api(cast.official).post(url, {"reviewers": [outsider.id]}, format="json")
    assert_error(response, 400, "invalid", "reviewers")
    response = api(cast.official).post(url, {"reviewers": [999_999]}, format="json")
    assert_error(response, 400, "invalid", "reviewers")
    response = api(cast.staff).post(url, {"reviewers": [cast.reviewer.id]}, format="json")
    assert_error(response, 403, "permission_denied")
    ok(api(cast.official).post(url, {"reviewers": [cast.reviewer.id]}, format="json"))
    assert list(Assignment.objects.values_list("user_id", "role")) == [
        (cast.reviewer.id, ExpertRole.REVIEWER)
    ]


def test_accept_input(api, cast):
    project = walk(cast, S.ACCEPTANCE)
    official = api(cast.official)
    url = at(project, "accept/")
    for body, field in (
        ({"result": "maybe", "score": 80}, "result"),
        ({"result": "pass", "score": 101}, "score"),
        ({"result": "pass"}, "score"),
    ):
        assert_error(official.post(url, body, format="json"), 400, "invalid", field)
    response = api(cast.staff).post(url, {"result": "pass", "score": 90}, format="json")
    assert_error(response, 403, "permission_denied")
    # A failure sends the project back to the organization, once.
    body = ok(
        official.post(url, {"result": "fail", "score": 55, "comments": "台账缺失"}, format="json")
    )
    assert body["status"] == "rectification"


def test_delivery_endpoints_refuse_the_wrong_people(api, cast, roles):
    project = walk(cast, S.IN_PROGRESS)
    visit = {"visited_on": timezone.localdate().isoformat(), "findings": "良好", "rating": 4}
    report = {"period_end": "2026-06-30", "summary": "开展助餐", "beneficiaries_served": 30}
    # Only the assigned supervisor visits, only the awarded organization reports.
    for who in (cast.staff, cast.official, cast.member, cast.reviewer):
        response = api(who).post(at(project, "supervisions/"), visit, format="json")
        assert_error(response, 403, "permission_denied")
    for who in (cast.staff, cast.rival_member, cast.supervisor):
        response = api(who).post(at(project, "progress-reports/"), report, format="json")
        assert_error(response, 403, "permission_denied")
    supervisor, member = api(cast.supervisor), api(cast.member)
    for body, field in (
        ({**visit, "rating": 6}, "rating"),
        ({**visit, "rating": 0}, "rating"),
        ({**visit, "visited_on": "2026-02-30"}, "visited_on"),
        ({**visit, "findings": ""}, "findings"),
    ):
        response = supervisor.post(at(project, "supervisions/"), body, format="json")
        assert_error(response, 400, "invalid", field)
    future = {**visit, "visited_on": (timezone.localdate() + timedelta(days=3)).isoformat()}
    response = supervisor.post(at(project, "supervisions/"), future, format="json")
    assert_error(response, 400, "invalid", "visited_on")
    response = member.post(
        at(project, "progress-reports/"), {**report, "beneficiaries_served": -1}, format="json"
    )
    assert_error(response, 400, "invalid", "beneficiaries_served")
    ok(supervisor.post(at(project, "supervisions/"), visit, format="json"), 201)
    # Reading: the people who follow the delivery; others 403, anonymous 401.
    for who in (cast.staff, cast.official, cast.member, cast.reviewer, cast.supervisor):
        assert ok(api(who).get(at(project, "supervisions/")))["count"] == 1
        assert ok(api(who).get(at(project, "progress-reports/")))["count"] == 0
    for who in (cast.rival_member, roles.staff_other, roles.official_out):
        assert_error(api(who).get(at(project, "supervisions/")), 403, "permission_denied")
        assert_error(api(who).get(at(project, "progress-reports/")), 403, "permission_denied")
    assert_error(api().get(at(project, "supervisions/")), 401)


# --- who sees what ---------------------------------------------------------------------------


def test_anonymous_sees_published_projects_but_not_drafts(api, cast):
    hidden = draft(cast, title="草稿项目")
    shown = publish(cast, draft(cast, title="公开项目"))
    anonymous = api()
    titles = [row["title"] for row in ok(anonymous.get(PROJECTS))["results"]]
    assert titles == ["公开项目"]
    assert_error(anonymous.get(at(hidden)), 404, "not_found")
    assert_error(anonymous.get(at(hidden, "history/")), 404, "not_found")
    body = ok(anonymous.get(at(shown)))
    assert body["actions"] == [] and body["final_report"] is None
    assert ok(anonymous.get(at(shown, "history/")))["count"] == 2
    assert ok(anonymous.get(at(shown, "bids/")))["results"] == []
    assert ok(anonymous.get(at(shown, "reviews/")))["results"] == []
    assert_error(anonymous.post(at(shown, "publish/"), {}, format="json"), 401)


def test_drafts_of_another_community_are_404(api, cast, roles):
    project = draft(cast)
    for who in (roles.staff_other, roles.official_out, roles.member_here):
        client = api(who)
        assert_error(client.get(at(project)), 404, "not_found")
        assert_error(client.patch(at(project), {"title": "x"}, format="json"), 404, "not_found")
        response = client.post(at(project, "publish/"), {"bid_deadline": in_days(7)}, format="json")
        assert_error(response, 404, "not_found")
        assert_error(client.get(at(project, "bids/")), 404, "not_found")
        assert project.id not in [row["id"] for row in ok(client.get(PROJECTS))["results"]]
    # The officials over the community see it: the district's and the city's.
    for who in (roles.official_in, roles.city):
        assert ok(api(who).get(at(project)))["status"] == "draft"
    assert_error(api().get(at(999_999)), 404, "not_found")


def test_a_bidder_sees_only_its_own_bids(api, cast, roles):
    project = publish(cast, draft(cast))
    mine = bid(cast, project)
    theirs = bid(cast, project, org=cast.rival)
    ids = lambda who: [b["id"] for b in ok(api(who).get(at(project, "bids/")))["results"]]  # noqa: E731
    assert ids(cast.member) == [mine.id]
    assert ids(cast.rival_member) == [theirs.id]
    assert ids(roles.member_other) == []
    assert ids(cast.staff) == ids(cast.official) == [mine.id, theirs.id]
    row = ok(api(cast.member).get(at(project, "bids/")))["results"][0]
    assert {m["id"] for m in row["team_members"]} == {w.id for w in cast.workers}
    assert "certificate_no" not in row["team_members"][0]


def test_a_reviewer_sees_a_colleagues_scores_only_after_scoring_that_bid(api, cast):
    project = publish(cast, draft(cast))
    first = bid(cast, project)
    second = bid(cast, project, org=cast.rival)
    expire(project)
    services.project_close_bidding(actor=cast.staff, project=project)
    assign(cast, project)
    review(cast, project, first, score=90)
    review(cast, project, second, score=60)
    seen = lambda: {  # noqa: E731
        (r["bid"], r["reviewer"])
        for r in ok(api(cast.reviewer2).get(at(project, "reviews/")))["results"]
    }
    assert seen() == set()
    review(cast, project, first, reviewer=cast.reviewer2, score=70)
    assert seen() == {(first.id, cast.reviewer.id), (first.id, cast.reviewer2.id)}
    # The first reviewer scored both: they see every review there is.
    assert ok(api(cast.reviewer).get(at(project, "reviews/")))["count"] == 3
    assert ok(api(cast.member).get(at(project, "reviews/")))["count"] == 0


# --- actions: what each caller may do now -----------------------------------------------------

ROLES = ("staff", "official", "member", "rival", "reviewer", "supervisor")

# state → role → the `actions` the API lists (None: the project is a 404 to that role).
# walk() assigns the reviewers and the supervisor before publishing; the `org` wins the award.
EXPECTED_ACTIONS = {
    S.DRAFT: {
        "staff": ["edit", "publish", "cancel"],
        "official": ["publish", "cancel", "assign"],
        "member": None,
        "rival": None,
        "reviewer": None,
        "supervisor": None,
    },
    S.PUBLISHED: {
        "staff": ["cancel"],
        "official": ["cancel", "assign"],
        "member": ["bid"],
        "rival": ["bid"],
        "reviewer": [],
        "supervisor": [],
    },
    S.REVIEWING: {
        "staff": ["award", "cancel"],
        "official": ["award", "cancel", "assign"],
        "member": [],
        "rival": [],
        "reviewer": ["review"],
        "supervisor": [],
    },
    S.AWARDED: {
        "staff": ["start", "cancel"],
        "official": ["cancel", "assign"],
        "member": ["start"],
        "rival": [],
        "reviewer": [],
        "supervisor": [],
    },
    S.IN_PROGRESS: {
        "staff": [],
        "official": ["cancel", "assign"],
        "member": ["submit-final-report", "report-progress"],
        "rival": [],
        "reviewer": [],
        "supervisor": ["supervise"],
    },
    S.ACCEPTANCE: {
        "staff": [],
        "official": ["accept", "assign"],
        "member": [],
        "rival": [],
        "reviewer": [],
        "supervisor": ["supervise"],
    },
    S.RECTIFICATION: {
        "staff": [],
        "official": ["cancel", "assign"],
        "member": ["submit-final-report", "report-progress"],
        "rival": [],
        "reviewer": [],
        "supervisor": ["supervise"],
    },
    # Officials over the community may hold a completed project up as a demonstration.
    S.COMPLETED: {
        role: ["designate-demonstration"] if role == "official" else [] for role in ROLES
    },
    S.FAILED: {role: [] for role in ROLES},
}


@pytest.mark.parametrize("state", list(EXPECTED_ACTIONS))
def test_actions_follow_role_and_state(api, cast, state):
    project = walk(cast, state)
    users = {
        "staff": cast.staff,
        "official": cast.official,
        "member": cast.member,
        "rival": cast.rival_member,
        "reviewer": cast.reviewer,
        "supervisor": cast.supervisor,
    }
    seen = {}
    for role, user in users.items():
        client = api(user)
        response = client.get(at(project))
        if response.status_code == 404:
            seen[role] = None
            continue
        actions = ok(response)["actions"]
        seen[role] = actions
        # The list computes them from prefetched rows, the page helper from the database.
        row = next(r for r in ok(client.get(PROJECTS))["results"] if r["id"] == project.id)
        assert row["actions"] == actions, role
        fresh = Project.objects.get(pk=project.pk)
        assert project_actions(user, fresh) == actions, role
    assert seen == EXPECTED_ACTIONS[state]


def test_listed_actions_are_accepted(api, cast):
    """Each action a caller is offered goes through; one not offered is refused."""
    project = walk(cast, S.AWARDED)
    assert ok(api(cast.rival_member).get(at(project)))["actions"] == []
    assert_error(api(cast.rival_member).post(at(project, "start/")), 403, "permission_denied")
    assert "start" in ok(api(cast.member).get(at(project)))["actions"]
    assert ok(api(cast.member).post(at(project, "start/")))["status"] == "in_progress"


# --- filters ---------------------------------------------------------------------------------


def test_list_filters(api, cast, tree):
    care = publish(cast, draft(cast, title="老年助餐服务", category=f.category("elderly_meals")))
    rehab = publish(
        cast,
        draft(
            cast,
            title="社区康复服务",
            category=f.category("community_rehab"),
            procurement="directed",
            directed_org=cast.org,
        ),
    )
    staff_elsewhere = f.CommunityStaffFactory(community=tree.wangyuehu_community).user
    yuelu_resource = f.FundingResourceFactory(region=tree.yuelu, year=2027)
    elsewhere = services.project_create(
        actor=staff_elsewhere,
        community=tree.wangyuehu_community,
        title="望月湖助餐服务",
        budget=Decimal("30000.00"),
        category=f.category("elderly_meals"),
        year=2027,
        funding=[{"resource": yuelu_resource, "amount": Decimal("30000.00")}],
    )
    services.project_publish(
        actor=staff_elsewhere, project=elsewhere, bid_deadline=timezone.now() + timedelta(days=3)
    )
    draft(cast, title="助餐草稿")
    client = api(cast.staff)

    def ids(**params):
        return {row["id"] for row in ok(client.get(PROJECTS, params))["results"]}

    assert ids(category="elderly_care") == {care.id, elsewhere.id} | ids(status="draft")
    assert ids(category="elderly_care", status="published") == {care.id, elsewhere.id}
    assert ids(category="community_rehab") == {rehab.id}
    assert ids(procurement="directed") == {rehab.id}
    assert ids(within="430104000000") == {elsewhere.id}
    assert ids(within="430103000000", status="published") == {care.id, rehab.id}
    assert ids(community=tree.wangyuehu_community.id) == {elsewhere.id}
    assert ids(year=2027) == {elsewhere.id}
    assert ids(q="康复") == {rehab.id}
    assert ids(q=rehab.code) == {rehab.id}
    assert ids(q="助餐", status="published") == {care.id, elsewhere.id}
    rows = ok(client.get(PROJECTS, {"ordering": "budget", "status": "published"}))["results"]
    assert [r["budget"] for r in rows] == sorted((r["budget"] for r in rows), key=Decimal) and rows[
        0
    ]["id"] == elsewhere.id
    assert_error(client.get(PROJECTS, {"status": "nonsense"}), 400)


@pytest.mark.parametrize(
    "name",
    [
        "q",
        "status",
        "procurement",
        "category",
        "community",
        "within",
        "year",
        "ordering",
        "page",
        "page_size",
    ],
)
def test_nasty_query_parameters(api, cast, name):
    publish(cast, draft(cast))
    for value in ("a\x00b", "9" * 40, "-1", "' OR 1=1 --", "居家养老", "1e999"):
        response = api().get(PROJECTS, {name: value})
        assert_no_server_error(response, (name, value))


# --- notifications ---------------------------------------------------------------------------


def test_notifications_are_the_callers_own(api, cast):
    project = publish(cast, draft(cast))
    bid(cast, project)
    bid(cast, project, org=cast.rival)
    assert_error(api().get(NOTIFICATIONS), 401)
    assert_error(api().post(f"{NOTIFICATIONS}read-all/"), 401)
    staff = api(cast.staff)
    rows = ok(staff.get(NOTIFICATIONS))["results"]
    assert [(n["kind"], n["project"], n["detail"]) for n in rows] == [
        ("bid_received", project.id, cast.rival.name),
        ("bid_received", project.id, cast.org.name),
    ]
    assert rows[0]["project_title"] == project.title and project.title in rows[0]["text"]
    assert ok(api(cast.member).get(NOTIFICATIONS))["count"] == 0
    assert_error(api(cast.member).get(f"{NOTIFICATIONS}{rows[0]['id']}/"), 404)
    ok(staff.post(f"{NOTIFICATIONS}{rows[1]['id']}/read/"))
    assert [n["id"] for n in ok(staff.get(NOTIFICATIONS, {"unread": "true"}))["results"]] == [
        rows[0]["id"]
    ]
    assert [n["id"] for n in ok(staff.get(NOTIFICATIONS, {"unread": "false"}))["results"]] == [
        rows[1]["id"]
    ]
    # Reading twice changes nothing.
    first_read = ok(staff.get(f"{NOTIFICATIONS}{rows[1]['id']}/"))["read_at"]
    assert ok(staff.post(f"{NOTIFICATIONS}{rows[1]['id']}/read/"))["read_at"] == first_read
    assert ok(staff.post(f"{NOTIFICATIONS}read-all/")) == {"marked": 1}
    assert ok(staff.post(f"{NOTIFICATIONS}read-all/")) == {"marked": 0}


# --- never a 500 -----------------------------------------------------------------------------


def test_every_field_of_every_body_with_every_nasty_value(api, cast):
    """A valid body with one field replaced by each nasty value: 2xx, 400, 403 or 409."""
    draft_project = draft(cast)
    reviewing = walk(cast, S.REVIEWING)
    running = walk(cast, S.IN_PROGRESS)
    accepting = walk(cast, S.ACCEPTANCE)
    published = publish(cast, draft(cast))
    scores = {"capacity": 80, "plan": 80, "budget": 80, "track_record": 80}
    review_body = {"bid": reviewing._bid.id, "scores": scores}
    visit = {"visited_on": "2026-01-02", "findings": "f", "rating": 3}
    report = {"period_end": "2026-01-02", "summary": "s", "beneficiaries_served": 3}
    experts = {"reviewers": [cast.reviewer.id], "supervisors": [cast.supervisor.id]}
    cases = [
        (cast.staff, "post", PROJECTS, body_for(cast)),
        (cast.staff, "patch", at(draft_project), body_for(cast)),
        (cast.staff, "post", at(draft(cast), "publish/"), {"bid_deadline": in_days(7)}),
        (cast.staff, "post", at(reviewing, "award/"), {"bid": reviewing._bid.id, "reason": "r"}),
        (cast.reviewer, "post", at(reviewing, "reviews/"), review_body),
        (cast.official, "post", at(published, "assign/"), experts),
        (
            cast.rival_member,
            "post",
            at(published, "bids/"),
            {"amount": "1.00", "proposal": "p", "team": []},
        ),
        (cast.supervisor, "post", at(running, "supervisions/"), visit),
        (cast.member, "post", at(running, "progress-reports/"), report),
        (cast.official, "post", at(accepting, "accept/"), {"result": "fail", "score": 50}),
        (cast.staff, "post", at(walk(cast, S.DRAFT), "cancel/"), {"reason": "r"}),
    ]
    failures = []
    for user, method, url, valid in cases:
        client = api(user)
        for field in valid:
            cache.clear()  # the `write` throttle would answer 429 to the rest of the sweep
            for value in [
                *SWEEP_VALUES,
                {"resource": "\x00", "amount": "1e999"},
                [{"resource": 10**30}],
            ]:
                body = {**valid, field: value}
                try:
                    assert_no_server_error(_send(client, method, url, body), body)
                except Exception as exc:  # collect them all, report at once
                    failures.append(f"{url} {field}={value!r:.40}: {str(exc)[:300]}")
        for body in (None, [], "x", 1, NASTY[0]):
            assert_no_server_error(_send(client, method, url, body), body)
    assert not failures, "\n".join(failures)


# --- query counts ----------------------------------------------------------------------------


def seed_projects(cast, start: int, n: int) -> None:
    """Bulk rows in every shape the list renders: drafts and published, directed ones, funding
    lines, assignments and bids (so each prefetch has something to fetch)."""
    category = f.category("elderly_meals")
    now = timezone.now()
    projects = Project.objects.bulk_create(
        Project(
            code=f"QC2026{i:06d}",
            title=f"项目{i}",
            community=cast.community,
            category=category,
            year=2026,
            budget=Decimal("1000.00"),
            status=S.DRAFT if i % 4 == 0 else S.PUBLISHED,
            published_at=None if i % 4 == 0 else now,
            bid_deadline=now + timedelta(days=3),
            procurement="directed" if i % 3 == 0 else "open",
            directed_org=cast.org if i % 3 == 0 else None,
        )
        for i in range(start, start + n)
    )
    ProjectFunding.objects.bulk_create(
        ProjectFunding(project=p, resource=cast.resource, amount=Decimal("1000.00"))
        for p in projects
    )
    Assignment.objects.bulk_create(
        Assignment(project=p, user=cast.reviewer, role=ExpertRole.REVIEWER) for p in projects
    )
    Bid.objects.bulk_create(
        Bid(project=p, org=cast.org, amount=Decimal("900.00"), proposal="方案")
        for p in projects
        if p.status == S.PUBLISHED
    )


# The bounds count one query per prefetched relation (a directed organization, the awarded
# bid's organization, the fair intention): fixed, whatever the number of rows.
@pytest.mark.parametrize(
    ("role", "bound"),
    [("anonymous", 5), ("official", 14), ("member", 14), ("reviewer", 14), ("staff", 14)],
)
def test_list_queries_do_not_grow_with_rows(api, cast, role, bound, django_assert_max_num_queries):
    user = {
        "anonymous": None,
        "official": cast.official,
        "member": cast.member,
        "reviewer": cast.reviewer,
        "staff": cast.staff,
    }[role]
    client = api(user)

    def measure(expected):
        with CaptureQueriesContext(connection) as queries:
            body = ok(client.get(PROJECTS, {"page_size": 200}))
        assert len(body["results"]) >= expected
        return len(queries)

    seed_projects(cast, 0, 10)
    few = measure(7)
    seed_projects(cast, 10, 30)
    with django_assert_max_num_queries(bound):
        many = measure(30)
    assert many == few, f"{role}: {few} queries for 10 rows, {many} for 40"


def test_resource_choices_are_not_leaked_by_kind(api, cast):
    """A draft resource cannot fund a project (it is not published): a 400, not a 500."""
    hidden = f.FundingResourceFactory(
        status=ResourceStatus.DRAFT, provider_type=ProviderType.CHARITY
    )
    lines = [{"resource": hidden.id, "amount": "80000.00"}]
    response = api(cast.staff).post(PROJECTS, body_for(cast, funding=lines), format="json")
    assert_error(response, 400, "invalid", "funding")


def test_the_schema_documents_every_project_endpoint(api, db):
    paths = ok(api().get("/api/schema/", {"format": "json"}))["paths"]
    for path, methods in {
        "/api/v1/projects/": {"get", "post"},
        "/api/v1/projects/{id}/": {"get", "patch"},
        "/api/v1/projects/{id}/publish/": {"post"},
        "/api/v1/projects/{id}/close-bidding/": {"post"},
        "/api/v1/projects/{id}/award/": {"post"},
        "/api/v1/projects/{id}/start/": {"post"},
        "/api/v1/projects/{id}/submit-final-report/": {"post"},
        "/api/v1/projects/{id}/accept/": {"post"},
        "/api/v1/projects/{id}/cancel/": {"post"},
        "/api/v1/projects/{id}/assign/": {"post"},
        "/api/v1/projects/{id}/bids/": {"get", "post"},
        "/api/v1/projects/{id}/bids/{bid_id}/withdraw/": {"post"},
        "/api/v1/projects/{id}/reviews/": {"get", "post"},
        "/api/v1/projects/{id}/supervisions/": {"get", "post"},
        "/api/v1/projects/{id}/progress-reports/": {"get", "post"},
        "/api/v1/projects/{id}/history/": {"get"},
        "/api/v1/notifications/": {"get"},
        "/api/v1/notifications/{id}/read/": {"post"},
        "/api/v1/notifications/read-all/": {"post"},
    }.items():
        assert path in paths, path
        assert methods <= set(paths[path]), (path, set(paths[path]))
    params = {p["name"] for p in paths["/api/v1/projects/"]["get"]["parameters"]}
    assert params >= {
        "status", "procurement", "category", "community", "within", "year", "q", "ordering",
        "page", "page_size",
    }  # fmt: skip
    # The sub-collections take no project filters, only pages.
    params = {p["name"] for p in paths["/api/v1/projects/{id}/bids/"]["get"]["parameters"]}
    assert params == {"id", "page", "page_size"}
