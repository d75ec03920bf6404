"""The whole life of a project through `/api/v1/projects/`, as REST clients drive it.

Open procurement: the community drafts a project paid by its benefit fund (after a passed
residents' decision) and the district's government budget, publishes it, two organizations
bid, bidding closes at the deadline, an official assigns two reviewers who score both bids,
the best one wins, the organization delivers and reports, a supervisor visits, officials accept
and the contract is paid out. Directed procurement: only the named organization may bid, the
bidding closes as soon as it has, and the award needs a written reason instead of reviews.
Money is checked on the resources' own endpoints and ledgers after every step that moves it.
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from projects.models import Project
from tests import factories as f
from tests.projects.story import expire, make_cast

from .conftest import assert_error

pytestmark = pytest.mark.django_db

PROJECTS = "/api/v1/projects/"
RESOURCES = "/api/v1/resources/"
NOTIFICATIONS = "/api/v1/notifications/"


def ok(response, status: int = 200):
    assert response.status_code == status, (response.status_code, response.content[:800])
    return response.json()


def at(project_id: int, suffix: str = "") -> str:
    return f"{PROJECTS}{project_id}/{suffix}"


def in_a_week() -> str:
    return (timezone.now() + timedelta(days=7)).isoformat()


def money(client, resource) -> tuple[str, str, str]:
    body = ok(client.get(f"{RESOURCES}{resource.id}/"))
    return body["committed"], body["disbursed"], body["available"]


def ledger(client, resource) -> list[tuple[str, str, int | None]]:
    rows = ok(client.get(f"{RESOURCES}{resource.id}/ledger/"))["results"]
    return [(row["kind"], row["amount"], row["project"]) for row in rows]


def kinds(client, **params) -> list[str]:
    return [n["kind"] for n in ok(client.get(NOTIFICATIONS, params))["results"]]


@pytest.fixture
def cast(tree, staff_user, district_official, org, org_member):
    return make_cast(
        tree,
        staff_user=staff_user,
        district_official=district_official,
        org=org,
        org_member=org_member,
    )


def test_open_procurement_from_draft_to_paid_contract(api, tree, cast):
    staff, official = api(cast.staff), api(cast.official)
    member, rival = api(cast.member), api(cast.rival_member)
    reviewer, reviewer2 = api(cast.reviewer), api(cast.reviewer2)
    supervisor, anonymous = api(cast.supervisor), api()
    fund = f.FundingResourceFactory(community_fund=True, community=cast.community)
    decision = f.ResidentDecisionFactory(community=cast.community)  # passed, 120,000
    government = cast.resource  # 500,000

    # --- draft -----------------------------------------------------------------------------
    body = ok(
        staff.post(
            PROJECTS,
            {
                "title": "坡子街社区老年助餐服务项目",
                "description": "为辖区高龄独居老人提供助餐服务。",
                "community": cast.community.id,
                "category": "elderly_meals",
                "beneficiaries": 120,
                "year": 2026,
                "budget": "100000.00",
                "procurement": "open",
                "decision": decision.id,
                "period_start": "2026-03-01",
                "period_end": "2026-12-31",
                "funding": [
                    {"resource": fund.id, "amount": "40000.00"},
                    {"resource": government.id, "amount": "60000.00"},
                ],
            },
            format="json",
        ),
        201,
    )
    pid = body["id"]
    assert body["status"] == "draft"
    assert body["code"].startswith("XM2026")
    assert body["category"] == "elderly_meals"
    assert body["decision"] == decision.id
    assert [(li["resource"], li["amount"], li["committed"]) for li in body["funding"]] == [
        (fund.id, "40000.00", "0.00"),
        (government.id, "60000.00", "0.00"),
    ]
    assert body["funding"][0]["resource_name"] == fund.name
    assert (body["committed"], body["released"], body["disbursed"]) == ("0.00", "0.00", "0.00")
    assert body["actions"] == ["edit", "publish", "cancel"]
    # Nobody outside the community and its officials knows the draft exists.
    assert_error(anonymous.get(at(pid)), 404, "not_found")
    assert_error(member.get(at(pid)), 404, "not_found")
    assert ok(official.get(at(pid)))["actions"] == ["publish", "cancel", "assign"]

    # --- publish: both lines are committed on the ledger --------------------------------------
    body = ok(staff.post(at(pid, "publish/"), {"bid_deadline": in_a_week()}, format="json"))
    assert body["status"] == "published"
    assert body["published_at"] and body["bid_deadline"]
    assert body["committed"] == "100000.00"
    assert money(anonymous, fund) == ("40000.00", "0.00", "160000.00")
    assert money(anonymous, government) == ("60000.00", "0.00", "440000.00")
    assert ledger(anonymous, fund) == [("commit", "40000.00", pid)]
    assert ok(anonymous.get(at(pid)))["actions"] == []  # public now, but nothing to do
    assert ok(member.get(at(pid)))["actions"] == ["bid"]
    assert pid in [row["id"] for row in ok(anonymous.get(PROJECTS))["results"]]

    # --- two organizations bid ----------------------------------------------------------------
    mine = ok(
        member.post(
            at(pid, "bids/"),
            {
                "amount": "75000.00",
                "proposal": "每周五天上门送餐，两名持证社工跟进。",
                "team": [w.id for w in cast.workers],
            },
            format="json",
        ),
        201,
    )
    assert (mine["org"], mine["amount"], mine["status"]) == (cast.org.id, "75000.00", "submitted")
    assert sorted(mine["team"]) == sorted(w.id for w in cast.workers)
    theirs = ok(
        rival.post(
            at(pid, "bids/"),
            {"amount": "70000.00", "proposal": "社区食堂集中供餐。"},
            format="json",
        ),
        201,
    )
    assert ok(member.get(at(pid)))["actions"] == []  # already bid
    # Each bidder sees its own bid only; the community sees both.
    assert [b["id"] for b in ok(member.get(at(pid, "bids/")))["results"]] == [mine["id"]]
    assert [b["id"] for b in ok(rival.get(at(pid, "bids/")))["results"]] == [theirs["id"]]
    assert ok(anonymous.get(at(pid, "bids/")))["results"] == []
    assert ok(staff.get(at(pid, "bids/")))["count"] == 2
    assert kinds(staff) == ["bid_received", "bid_received"]

    # --- the deadline passes; the community closes the bidding ---------------------------------
    expire(Project.objects.get(pk=pid))
    assert "close-bidding" in ok(staff.get(at(pid)))["actions"]
    body = ok(staff.post(at(pid, "close-bidding/")))
    assert body["status"] == "reviewing"
    assert kinds(staff)[0] == "deadline_passed"
    assert kinds(member) == kinds(rival) == ["deadline_passed"]

    # --- an official assigns two reviewers and a supervisor ------------------------------------
    body = ok(
        official.post(
            at(pid, "assign/"),
            {
                "reviewers": [cast.reviewer.id, cast.reviewer2.id],
                "supervisors": [cast.supervisor.id],
            },
            format="json",
        )
    )
    assert "assign" in body["actions"]
    assert kinds(reviewer) == ["assigned"]
    assert kinds(supervisor) == ["assigned"]
    assert ok(reviewer.get(at(pid)))["actions"] == ["review"]
    # Reviewers see every bid, but no review mean (it would show a colleague's scores).
    rows = ok(reviewer.get(at(pid, "bids/")))["results"]
    assert len(rows) == 2 and {r["review_mean"] for r in rows} == {None}

    # --- each reviewer scores both bids --------------------------------------------------------
    def score(client, bid_id, value):
        scores = dict.fromkeys(("capacity", "plan", "budget", "track_record"), value)
        return ok(
            client.post(
                at(pid, "reviews/"),
                {"bid": bid_id, "scores": scores, "comments": "方案可行"},
                format="json",
            ),
            201,
        )

    first = score(reviewer, mine["id"], 90)
    assert first["total"] == "90.00"
    assert first["scores"] == dict.fromkeys(("capacity", "plan", "budget", "track_record"), 90)
    score(reviewer, theirs["id"], 70)
    # The second reviewer sees no colleague's score before scoring that bid…
    assert ok(reviewer2.get(at(pid, "reviews/")))["results"] == []
    score(reviewer2, mine["id"], 80)
    seen = ok(reviewer2.get(at(pid, "reviews/")))["results"]
    assert {(r["bid"], r["reviewer"]) for r in seen} == {
        (mine["id"], cast.reviewer.id),
        (mine["id"], cast.reviewer2.id),
    }
    score(reviewer2, theirs["id"], 76)
    assert ok(reviewer2.get(at(pid, "reviews/")))["count"] == 4
    # …organizations see no reviews at all; the community sees them all, and the means.
    assert ok(member.get(at(pid, "reviews/")))["results"] == []
    assert ok(staff.get(at(pid, "reviews/")))["count"] == 4
    means = {b["id"]: b["review_mean"] for b in ok(staff.get(at(pid, "bids/")))["results"]}
    assert means == {mine["id"]: "85.00", theirs["id"]: "73.00"}

    # --- award the best-reviewed bid: the difference to the budget goes back ---------------------
    body = ok(staff.post(at(pid, "award/"), {"bid": mine["id"]}, format="json"))
    assert body["status"] == "awarded"
    assert (body["awarded_bid"], body["awarded_org"]) == (mine["id"], cast.org.id)
    assert body["contract_amount"] == "75000.00"
    assert (body["committed"], body["released"]) == ("100000.00", "25000.00")
    # Released from the last line first: the government budget.
    assert money(anonymous, government) == ("35000.00", "0.00", "465000.00")
    assert money(anonymous, fund) == ("40000.00", "0.00", "160000.00")
    assert kinds(member)[0] == "awarded"
    assert kinds(rival) == ["not_awarded", "deadline_passed"]
    statuses = {b["id"]: b["status"] for b in ok(staff.get(at(pid, "bids/")))["results"]}
    assert statuses == {mine["id"]: "awarded", theirs["id"]: "lost"}
    assert ok(member.get(at(pid)))["actions"] == ["start"]

    # --- delivery -------------------------------------------------------------------------------
    body = ok(member.post(at(pid, "start/")))
    assert body["status"] == "in_progress"
    assert "report_due" in kinds(member)
    assert ok(member.get(at(pid)))["actions"] == ["submit-final-report", "report-progress"]
    report = ok(
        member.post(
            at(pid, "progress-reports/"),
            {
                "period_end": "2026-06-30",
                "summary": "上半年送餐 3,000 份。",
                "beneficiaries_served": 58,
            },
            format="json",
        ),
        201,
    )
    assert (report["org"], report["beneficiaries_served"]) == (cast.org.id, 58)
    visit = ok(
        supervisor.post(
            at(pid, "supervisions/"),
            {
                "visited_on": date.today().isoformat(),
                "findings": "台账完整，老人满意。",
                "rating": 4,
            },
            format="json",
        ),
        201,
    )
    assert (visit["supervisor"], visit["rating"]) == (cast.supervisor.id, 4)
    # The people who follow the delivery read it; a losing bidder does not.
    assert ok(staff.get(at(pid, "progress-reports/")))["count"] == 1
    assert ok(official.get(at(pid, "supervisions/")))["count"] == 1
    assert ok(member.get(at(pid, "supervisions/")))["count"] == 1
    assert_error(rival.get(at(pid, "supervisions/")), 403, "permission_denied")
    assert_error(anonymous.get(at(pid, "progress-reports/")), 401)

    body = ok(
        member.post(
            at(pid, "submit-final-report/"),
            {"report": "全年服务老人 120 名，送餐 6,200 份，满意度 96%。"},
            format="json",
        )
    )
    assert body["status"] == "acceptance"
    assert body["final_report"].startswith("全年服务")
    assert ok(anonymous.get(at(pid)))["final_report"] is None
    assert "acceptance_due" in kinds(official)
    assert ok(official.get(at(pid)))["actions"] == ["accept", "assign"]

    # --- acceptance pays the contract out of both resources ------------------------------------
    body = ok(
        official.post(
            at(pid, "accept/"), {"result": "pass", "score": 92, "comments": "达标"}, format="json"
        )
    )
    assert body["status"] == "completed"
    assert body["acceptance_score"] == 92
    assert (body["committed"], body["released"], body["disbursed"], body["outstanding"]) == (
        "100000.00",
        "25000.00",
        "75000.00",
        "0.00",
    )
    assert body["actions"] == ["designate-demonstration"]  # all the official may do now
    assert money(anonymous, fund) == ("40000.00", "40000.00", "160000.00")
    assert money(anonymous, government) == ("35000.00", "35000.00", "465000.00")
    assert ledger(anonymous, government) == [
        ("commit", "60000.00", pid),
        ("release", "25000.00", pid),
        ("disburse", "35000.00", pid),
    ]
    assert ledger(anonymous, fund) == [("commit", "40000.00", pid), ("disburse", "40000.00", pid)]
    assert kinds(member)[0] == "accepted"

    # --- the history lists every transition: who, from, to ------------------------------------
    history = ok(anonymous.get(at(pid, "history/")))["results"]
    assert [(h["action"], h["from"], h["to"]) for h in history] == [
        ("create", "", "draft"),
        ("publish", "draft", "published"),
        ("close_bidding", "published", "reviewing"),
        ("award", "reviewing", "awarded"),
        ("start", "awarded", "in_progress"),
        ("submit_final_report", "in_progress", "acceptance"),
        ("accept_pass", "acceptance", "completed"),
    ]
    assert [h["by"] for h in history] == [
        str(cast.staff),
        str(cast.staff),
        str(cast.staff),
        str(cast.staff),
        str(cast.member),
        str(cast.member),
        str(cast.official),
    ]
    assert history[2]["note"] and history[-1]["note"].endswith("92")
    assert all(h["at"] for h in history)

    # --- notifications: newest first, read one, read all ----------------------------------------
    unread = ok(member.get(NOTIFICATIONS, {"unread": "true"}))["results"]
    assert [n["kind"] for n in unread] == ["accepted", "report_due", "awarded", "deadline_passed"]
    assert unread[0]["project"] == pid and "坡子街社区老年助餐服务项目" in unread[0]["text"]
    read = ok(member.post(f"{NOTIFICATIONS}{unread[-1]['id']}/read/"))
    assert read["read_at"]
    assert kinds(member, unread="true") == ["accepted", "report_due", "awarded"]
    assert ok(member.post(f"{NOTIFICATIONS}read-all/")) == {"marked": 3}
    assert kinds(member, unread="true") == []
    assert len(kinds(member)) == 4
    # Nobody reads or marks someone else's notification.
    assert_error(rival.post(f"{NOTIFICATIONS}{unread[0]['id']}/read/"), 404, "not_found")


def test_directed_procurement_only_the_named_org_bids_and_closes_early(api, cast):
    staff, member, rival = api(cast.staff), api(cast.member), api(cast.rival_member)
    body = ok(
        staff.post(
            PROJECTS,
            {
                "title": "坡子街社区助残康复定向服务项目",
                "community": cast.community.id,
                "category": "elderly_meals",
                "year": 2026,
                "budget": "50000.00",
                "procurement": "directed",
                "directed_org": cast.org.id,
                "funding": [{"resource": cast.resource.id, "amount": "50000.00"}],
            },
            format="json",
        ),
        201,
    )
    pid = body["id"]
    assert (body["procurement"], body["directed_org"]) == ("directed", cast.org.id)
    body = ok(staff.post(at(pid, "publish/"), {"bid_deadline": in_a_week()}, format="json"))
    assert body["status"] == "published"
    assert kinds(member) == ["assigned"]  # the named organization hears of it at once
    assert ok(member.get(at(pid)))["actions"] == ["bid"]
    assert ok(rival.get(at(pid)))["actions"] == []

    # Another organization may not bid; the named one may.
    refused = rival.post(at(pid, "bids/"), {"amount": "48000.00", "proposal": "我们也能做。"})
    assert_error(refused, 403, "permission_denied")
    # Nothing to close on yet: the named organization has not bid and the deadline is ahead.
    assert_error(staff.post(at(pid, "close-bidding/")), 409, "deadline_not_reached")
    bid = ok(
        member.post(
            at(pid, "bids/"),
            {"amount": "48000.00", "proposal": "康复师每周上门两次。"},
            format="json",
        ),
        201,
    )

    # It has bid: the bidding closes early.
    assert "close-bidding" in ok(staff.get(at(pid)))["actions"]
    body = ok(staff.post(at(pid, "close-bidding/")))
    assert body["status"] == "reviewing"
    assert timezone.now().isoformat() < body["bid_deadline"]

    # Awarded with a written reason instead of reviews.
    assert_error(
        staff.post(at(pid, "award/"), {"bid": bid["id"]}, format="json"), 409, "reviews_missing"
    )
    body = ok(
        staff.post(
            at(pid, "award/"),
            {"bid": bid["id"], "reason": "供需对接会现场签约的定向项目。"},
            format="json",
        )
    )
    assert body["status"] == "awarded"
    assert body["award_reason"] == "供需对接会现场签约的定向项目。"
    assert body["contract_amount"] == "48000.00"
    assert body["released"] == "2000.00"
    history = ok(staff.get(at(pid, "history/")))["results"]
    assert history[-1]["note"] == "供需对接会现场签约的定向项目。"
    assert ok(member.post(at(pid, "start/")))["status"] == "in_progress"
