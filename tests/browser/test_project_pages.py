"""Projects in the browser: the list, the project page with each role's buttons, every action
posted through its own form, the errors shown on the page, and the notifications.

The projects are walked through the real services (tests/projects/story.py), so each page is
looked at in a state the platform can really reach.
"""

import html
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.choices import BidStatus, NotificationKind
from projects.choices import ProjectStatus as S
from projects.models import Bid, FundingResource, Notification, Project
from tests import factories as f
from tests.projects.story import advance, assign, bid, draft, expire, make_cast, publish

from .conftest import field_errors, flashes, form_errors, ids, titles

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(tree, staff_user, district_official, org, org_member):
    return make_cast(
        tree,
        staff_user=staff_user,
        district_official=district_official,
        org=org,
        org_member=org_member,
    )


def detail_url(project) -> str:
    return reverse("projects:project-detail", args=[project.pk])


def url(name: str, project, *args) -> str:
    return reverse(f"projects:{name}", args=[project.pk, *args])


def buttons(response) -> list[str]:
    """The action buttons of the project page, as `project_actions` names."""
    assert response.status_code == 200, response.status_code
    bar = re.search(
        r'<div class="action-bar" id="actions">(.*?)</div>', response.content.decode(), re.S
    )
    return re.findall(r'data-action="([a-z-]+)"', bar.group(1)) if bar else []


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


# --- who sees what ----------------------------------------------------------------------------


def test_draft_buttons_and_visibility(cast, as_role):
    project = draft(cast)
    page = detail_url(project)
    assert buttons(as_role("staff_a").get(page)) == ["edit", "publish", "cancel"]
    assert buttons(as_role("official_in").get(page)) == ["publish", "cancel", "assign"]
    assert buttons(as_role("city").get(page)) == ["publish", "cancel", "assign"]
    # A draft is not public: another community, another district, an org and the public get 404.
    for role in ("staff_b", "official_out", "member_a", "anonymous"):
        assert as_role(role).get(page).status_code == 404, role


def test_published_project_buttons_by_role(cast, as_role):
    project = publish(cast, draft(cast))
    bid(cast, project)
    page = detail_url(project)
    member = as_role("member_a").get(page)
    # The org already bid: it may not bid twice, but sees its own bid with a withdraw button.
    assert buttons(member) == []
    assert "bids/" in member.content.decode() and "withdraw" in member.content.decode()
    # The rival org has no live bid: it sees `bid`, never `award`.
    rival = as_role("member_b").get(page)
    assert buttons(rival) == ["bid"]
    assert "award" not in buttons(rival)
    assert buttons(as_role("official_in").get(page)) == ["cancel", "assign"]
    assert buttons(as_role("staff_a").get(page)) == ["cancel"]
    anonymous = as_role("anonymous").get(page)
    assert anonymous.status_code == 200 and buttons(anonymous) == []
    assert 'id="bids"' not in anonymous.content.decode()
    assert project.title in page_text(anonymous)


def test_a_bidder_sees_only_its_own_bid(cast, as_role, roles):
    project = publish(cast, draft(cast))
    bid(cast, project)
    bid(cast, project, org=cast.rival)
    own = as_role("member_a").get(detail_url(project))
    assert [b.org for b in own.context["bids"]] == [cast.org]
    assert cast.rival.name not in page_text(own)
    staff = as_role("staff_a").get(detail_url(project))
    assert {b.org for b in staff.context["bids"]} == {cast.org, cast.rival}


def test_official_sees_accept_and_delivery(cast, as_role):
    project = advance(cast, draft(cast), S.ACCEPTANCE)
    official = as_role("official_in").get(detail_url(project))
    assert buttons(official) == ["accept", "assign"]
    text = page_text(official)
    assert "服务记录完整，老人满意。" in text  # the supervision visit
    assert "已服务老人 60 人次。" in text  # the progress report
    assert "全年服务 120 名老人，满意度 96%。" in text  # the final report
    assert "accept" not in buttons(as_role("staff_a").get(detail_url(project)))
    # The public sees the project but not the delivery records.
    anonymous = page_text(as_role("anonymous").get(detail_url(project)))
    assert "服务记录完整" not in anonymous and "全年服务 120 名老人" not in anonymous


def test_timeline_marks_the_current_stage(cast, as_role):
    project = publish(cast, draft(cast))
    stages = as_role("anonymous").get(detail_url(project)).context["stages"]
    assert [s["state"] for s in stages] == ["done", "current", "todo", "todo", "todo"]
    done = advance(cast, draft(cast, title="已完成项目"), S.COMPLETED)
    stages = as_role("anonymous").get(detail_url(done)).context["stages"]
    assert [s["state"] for s in stages] == ["done"] * 5


def test_list_shows_and_scopes_projects(cast, as_role, roles):
    mine = draft(cast, title="坡子街草稿项目")
    public = publish(cast, draft(cast, title="坡子街公开项目"))
    listing = reverse("projects:project-list")
    assert titles(as_role("staff_a").get(listing), "projects") == {mine.title, public.title}
    assert titles(as_role("anonymous").get(listing), "projects") == {public.title}
    assert titles(as_role("staff_b").get(listing), "projects") == {public.title}
    text = page_text(as_role("anonymous").get(listing))
    assert public.code in text and "坡子街社区" in text and "¥80,000" in text
    filtered = as_role("staff_a").get(listing, {"status": "draft"})
    assert titles(filtered, "projects") == {mine.title}
    searched = as_role("staff_a").get(listing, {"q": "公开"})
    assert titles(searched, "projects") == {public.title}
    within = as_role("staff_a").get(listing, {"within": cast.community.region.parent.parent_id})
    assert titles(within, "projects") == {mine.title, public.title}
    elsewhere = as_role("staff_a").get(listing, {"within": "430104000000"})
    assert titles(elsewhere, "projects") == set()
    # Junk in the filters is an empty list, not a 500.
    assert as_role("anonymous").get(listing, {"year": "1e99", "status": "nope"}).status_code == 200


def _projects(n, community):
    for i in range(n):
        p = f.ProjectFactory(community=community, title=f"列表项目{community.pk}-{i}")
        Project.objects.filter(pk=p.pk).update(
            status=S.PUBLISHED,
            published_at=timezone.now(),
            bid_deadline=timezone.now() + timedelta(days=3),
        )


@pytest.mark.parametrize("role", ["anonymous", "staff_a", "official_in", "member_a"])
def test_list_queries_do_not_grow(tree, as_role, roles, role, django_assert_num_queries):
    client = as_role(role)
    listing = reverse("projects:project-list")
    _projects(5, tree.pozijie_community)
    client.get(listing)  # warm up (the session)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert len(client.get(listing).context["projects"]) == 5
    _projects(25, tree.pozijie_community)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(client.get(listing).context["projects"]) == 20


# --- create and edit --------------------------------------------------------------------------


def project_data(cast, **overrides):
    data = {
        "title": "坡子街社区助餐服务项目",
        "category": str(f.category("elderly_meals").pk),
        "description": "为辖区独居老人每日配送午餐。",
        "beneficiaries": "80",
        "year": "2026",
        "budget": "60000.00",
        "period_start": "2026-04-01",
        "period_end": "2026-12-31",
        "procurement": "open",
        "resource_0": str(cast.resource.pk),
        "amount_0": "60000.00",
    }
    return {**data, **overrides}


def test_staff_create_a_draft_from_a_need(cast, as_role, login):
    need = f.ServiceNeedFactory(community=cast.community, title="坡子街老人助餐需求")
    need_page = page_text(
        as_role("staff_a").get(reverse("communities:need-detail", args=[need.pk]))
    )
    create = reverse("projects:project-create", args=[cast.community.pk])
    assert f"{create}?need={need.pk}" in need_page
    assert create not in page_text(
        as_role("member_a").get(reverse("communities:need-detail", args=[need.pk]))
    )
    form = as_role("staff_a").get(create, {"need": need.pk}).context["form"]
    assert form.initial["title"] == need.title and form.initial["budget"] == need.budget
    # The resource select offers money covering the community, not another community's fund.
    other_fund = f.FundingResourceFactory(community_fund=True, community=f.CommunityFactory())
    offered = list(form.fields["resource_0"].queryset)
    assert cast.resource in offered and other_fund not in offered

    response = as_role("staff_a").post(create, project_data(cast, need=str(need.pk)), follow=True)
    project = Project.objects.get(title="坡子街社区助餐服务项目")
    assert response.redirect_chain[-1][0] == detail_url(project)
    assert project.status == S.DRAFT and project.need == need and project.created_by is not None
    assert [(line.resource, line.amount) for line in project.funding.all()] == [
        (cast.resource, Decimal("60000.00"))
    ]
    assert flashes(response)


def test_create_form_errors_are_shown(cast, as_role):
    client = as_role("staff_a")
    create = reverse("projects:project-create", args=[cast.community.pk])
    no_amount = client.post(create, project_data(cast, amount_0=""))
    assert field_errors(no_amount, "amount_0") == ["请输入该项目资源承担的金额。"]
    too_much = client.post(create, project_data(cast, amount_0="90000.00"))
    assert any("90000" in e for e in form_errors(too_much))
    fund = f.FundingResourceFactory(community_fund=True, community=cast.community)
    undecided = client.post(create, project_data(cast, resource_0=str(fund.pk)))
    assert field_errors(undecided, "decision")
    assert not Project.objects.exists()
    # Only the community's own staff may draft.
    assert as_role("staff_b").get(create).status_code == 403
    assert as_role("official_in").get(create).status_code == 403


def test_edit_a_draft(cast, as_role):
    project = draft(cast)
    edit = url("project-edit", project)
    form = as_role("staff_a").get(edit).context["form"]
    assert form.initial["resource_0"] == cast.resource.pk
    response = as_role("staff_a").post(
        edit,
        project_data(cast, title="改名后的项目", budget="70000", amount_0="70000"),
        follow=True,
    )
    project.refresh_from_db()
    assert project.title == "改名后的项目" and project.budget == Decimal("70000.00")
    assert project.funding.get().amount == Decimal("70000.00")
    assert flashes(response)
    assert as_role("official_in").get(edit).status_code == 403
    publish(cast, project)
    # Once published the draft form is gone: back to the project with a message.
    after = as_role("staff_a").get(edit, follow=True)
    assert after.redirect_chain[-1][0] == detail_url(project) and flashes(after)


# --- the full open-procurement story through the forms ----------------------------------------


def test_open_procurement_through_the_pages(cast, as_role, login, roles):
    staff, official = login(cast.staff), login(cast.official)
    member, rival = login(cast.member), login(cast.rival_member)
    reviewer, supervisor = login(cast.reviewer), login(cast.supervisor)

    create = reverse("projects:project-create", args=[cast.community.pk])
    staff.post(create, project_data(cast, budget="80000.00", amount_0="80000.00"))
    project = Project.objects.get()

    # Publish: a deadline in the past is refused at the field, a future one opens bidding.
    publish_url = url("project-publish", project)
    assert staff.get(publish_url).status_code == 200
    past = staff.post(publish_url, {"bid_deadline": local(timezone.now() - timedelta(hours=1))})
    assert field_errors(past, "bid_deadline")
    project.refresh_from_db()
    assert project.status == S.DRAFT
    deadline = timezone.now() + timedelta(days=7)
    done = staff.post(publish_url, {"bid_deadline": local(deadline)}, follow=True)
    project.refresh_from_db()
    assert project.status == S.PUBLISHED and flashes(done)
    assert FundingResource.objects.get(pk=cast.resource.pk).committed == Decimal("80000.00")

    # Officials assign experts from the pool.
    assign_url = url("project-assign", project)
    pool = official.get(assign_url).context["form"]
    assert cast.reviewer in pool.fields["reviewers"].queryset
    official.post(
        assign_url,
        {"reviewers": ids([cast.reviewer]), "supervisors": ids([cast.supervisor])},
    )
    assert {a.user for a in project.assignments.all()} == {cast.reviewer, cast.supervisor}

    # Two organizations bid; the form offers the org's own certified workers as the team.
    bid_url = url("project-bid", project)
    form = member.get(bid_url).context["form"]
    assert set(form.fields["team"].queryset) == set(cast.workers)
    over = member.post(
        bid_url, {"org": cast.org.pk, "amount": "90000", "proposal": "方案", "team": []}
    )
    assert field_errors(over, "amount")
    member.post(
        bid_url,
        {
            "org": cast.org.pk,
            "amount": "75000.00",
            "proposal": "每周三次上门送餐。",
            "team": ids(cast.workers),
        },
    )
    rival.post(bid_url, {"org": cast.rival.pk, "amount": "70000.00", "proposal": "每日送餐。"})
    ours = Bid.objects.get(org=cast.org)
    theirs = Bid.objects.get(org=cast.rival)
    assert set(ours.team.all()) == set(cast.workers)
    # The rival withdraws and bids again.
    rival.post(url("bid-withdraw", project, theirs.pk), follow=True)
    theirs.refresh_from_db()
    assert theirs.status == BidStatus.WITHDRAWN
    rival.post(bid_url, {"org": cast.rival.pk, "amount": "72000.00", "proposal": "每日送餐。"})
    theirs = Bid.objects.get(org=cast.rival, status=BidStatus.SUBMITTED)

    # Closing before the deadline is refused on the form; after it, the project goes to review.
    close = url("project-close-bidding", project)
    early = staff.post(close)
    assert form_errors(early)
    expire(project)
    assert "close-bidding" in buttons(staff.get(detail_url(project)))
    staff.post(close, follow=True)
    project.refresh_from_db()
    assert project.status == S.REVIEWING

    # The reviewer scores both bids, reaching the form from the bid's button.
    page = reviewer.get(detail_url(project))
    assert buttons(page) == ["review"]
    review_url = url("review-create", project)
    assert f"{review_url}?bid={ours.pk}" in page.content.decode()
    assert reviewer.get(review_url, {"bid": ours.pk}).context["form"].initial["bid"] == ours.pk
    scores = {"capacity": 90, "plan": 85, "budget": 80, "track_record": 80, "comments": "好"}
    reviewer.post(review_url, {"bid": ours.pk, **scores})
    bad = reviewer.post(review_url, {"bid": theirs.pk, **scores, "plan": 101})
    assert field_errors(bad, "plan")
    reviewer.post(review_url, {"bid": theirs.pk, **scores, "plan": 60})

    # Awarding the lower-reviewed bid needs a reason; the best one does not.
    award = url("project-award", project)
    refused = staff.post(award, {"bid": theirs.pk})
    assert form_errors(refused)
    staff.post(award, {"bid": ours.pk}, follow=True)
    project.refresh_from_db()
    assert project.status == S.AWARDED and project.awarded_bid == ours

    # The organization starts, reports, the supervisor visits, the org files the final report.
    assert buttons(member.get(detail_url(project))) == ["start"]
    member.post(url("project-start", project))
    project.refresh_from_db()
    assert project.status == S.IN_PROGRESS
    member.post(
        url("progress-report-create", project),
        {"period_end": date.today().isoformat(), "beneficiaries_served": 40, "summary": "首月送餐"},
    )
    future = supervisor.post(
        url("supervision-create", project),
        {
            "visited_on": (date.today() + timedelta(days=3)).isoformat(),
            "findings": "x",
            "rating": 4,
        },
    )
    assert field_errors(future, "visited_on")
    supervisor.post(
        url("supervision-create", project),
        {"visited_on": date.today().isoformat(), "findings": "记录完整", "rating": 5},
    )
    member.post(url("project-final-report", project), {"report": "全年服务 80 名老人。"})
    project.refresh_from_db()
    assert project.status == S.ACCEPTANCE

    # The official accepts: the contract is paid out of the ledger.
    bad_score = official.post(url("project-accept", project), {"result": "pass", "score": 120})
    assert field_errors(bad_score, "score")
    accepted = official.post(
        url("project-accept", project),
        {"result": "pass", "score": 92, "comments": "合格"},
        follow=True,
    )
    project.refresh_from_db()
    assert project.status == S.COMPLETED and project.acceptance_score == 92
    assert flashes(accepted)
    resource = FundingResource.objects.get(pk=cast.resource.pk)
    assert resource.disbursed == Decimal("75000.00") and resource.committed == Decimal("75000.00")

    page = official.get(detail_url(project))
    assert [t.to_status for t in page.context["transitions"]] == [
        "draft",
        "published",
        "reviewing",
        "awarded",
        "in_progress",
        "acceptance",
        "completed",
    ]
    assert page.context["money"]["disbursed"] == Decimal("75000.00")
    assert buttons(page) == ["designate-demonstration"]  # the only thing left to do


def test_publish_with_incomplete_funding_is_explained(cast, as_role):
    project = draft(
        cast, budget="80000.00", funding=[{"resource": cast.resource, "amount": "50000"}]
    )
    response = as_role("staff_a").post(
        url("project-publish", project), {"bid_deadline": local(timezone.now() + timedelta(days=3))}
    )
    assert any("50000" in e for e in form_errors(response))
    project.refresh_from_db()
    assert project.status == S.DRAFT


def test_cancel_releases_the_money_and_shows_why(cast, as_role):
    project = publish(cast, draft(cast))
    cancel = url("project-cancel", project)
    empty = as_role("staff_a").post(cancel, {"reason": ""})
    assert field_errors(empty, "reason")
    response = as_role("staff_a").post(cancel, {"reason": "社区调整计划"}, follow=True)
    project.refresh_from_db()
    assert project.status == S.CANCELLED
    assert FundingResource.objects.get(pk=cast.resource.pk).committed == Decimal("0.00")
    stages = response.context["stages"]
    assert [s["state"] for s in stages] == ["done", "cancelled", "todo", "todo", "todo"]
    assert "社区调整计划" in page_text(response)


def test_actions_refused_to_the_wrong_roles(cast, as_role):
    project = publish(cast, draft(cast))
    deadline = {"bid_deadline": local(timezone.now() + timedelta(days=3))}
    # An org member can never publish or award: 403, and nothing changes.
    assert as_role("member_a").post(url("project-publish", project), deadline).status_code == 403
    assert as_role("member_a").get(url("project-award", project)).status_code == 403
    assert as_role("staff_a").get(url("project-accept", project)).status_code == 403
    assert as_role("staff_a").get(url("project-bid", project)).status_code == 403
    # Right role, wrong moment: back to the project with a note.
    late = as_role("official_in").get(url("project-accept", project), follow=True)
    assert late.redirect_chain[-1][0] == detail_url(project) and flashes(late)
    # Anonymous visitors are sent to sign in; another district's staff get 404 on a draft.
    anonymous = as_role("anonymous").get(url("project-bid", project))
    assert anonymous.status_code == 302 and reverse("login") in anonymous["Location"]
    other_draft = draft(cast, title="另一个草稿")
    assert as_role("staff_b").get(url("project-publish", other_draft)).status_code == 404
    project.refresh_from_db()
    assert project.status == S.PUBLISHED


def test_bidding_after_the_deadline_is_explained(cast, as_role):
    project = publish(cast, draft(cast))
    bid_url = url("project-bid", project)
    assert as_role("member_a").get(bid_url).status_code == 200
    expire(project)
    response = as_role("member_a").post(
        bid_url, {"org": cast.org.pk, "amount": "70000", "proposal": "方案"}
    )
    assert form_errors(response) and not Bid.objects.exists()


# --- notifications ----------------------------------------------------------------------------


def test_notifications_page_and_bell(cast, as_role, login):
    project = publish(cast, draft(cast))
    assign(cast, project)
    bid(cast, project)
    bid(cast, project, org=cast.rival)
    staff = login(cast.staff)
    listing = reverse("projects:notification-list")
    page = staff.get(listing)
    mine = list(page.context["notifications"])
    assert [n.kind for n in mine] == [NotificationKind.BID_RECEIVED] * 2
    text = page_text(page)
    assert mine[0].text in text and detail_url(project) in text
    assert '<span class="bell-count">2</span>' in page.content.decode()

    staff.post(reverse("projects:notification-read", args=[mine[0].pk]), {"next": listing})
    assert Notification.objects.filter(user=cast.staff, read_at__isnull=True).count() == 1
    assert '<span class="bell-count">1</span>' in staff.get(listing).content.decode()
    staff.post(reverse("projects:notification-read-all"))
    assert not Notification.objects.filter(user=cast.staff, read_at__isnull=True).exists()
    assert "bell-count" not in staff.get(listing).content.decode()

    # The reviewer's assignment; nobody can mark another user's notification.
    reviewer = login(cast.reviewer)
    assert [n.kind for n in reviewer.get(listing).context["notifications"]] == [
        NotificationKind.ASSIGNED
    ]
    theirs = Notification.objects.filter(user=cast.reviewer).first()
    assert staff.post(reverse("projects:notification-read", args=[theirs.pk])).status_code == 404
    assert staff.get(reverse("projects:notification-read-all")).status_code == 405
    assert as_role("anonymous").get(listing).status_code == 302


def test_failed_bidding_is_shown_on_the_timeline(cast, as_role):
    project = expire(publish(cast, draft(cast)))
    response = as_role("staff_a").post(url("project-close-bidding", project), follow=True)
    project.refresh_from_db()
    assert project.status == S.FAILED
    assert [s["state"] for s in response.context["stages"]] == [
        "done",
        "failed",
        "todo",
        "todo",
        "todo",
    ]
    assert response.context["money"]["released"] == Decimal("80000.00")
    assert buttons(response) == []
