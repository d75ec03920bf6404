"""Public disclosure (信息公开): what anonymous visitors — and signed-in users without the right —
see of the platform, page by page and endpoint by endpoint.

The data set is built through the real services and marks every private value recognisably:
bid proposals, reviewers' comments and names, the supervisor's name and findings, progress and
final reports, acceptance comments, the losing bid's amount and the losing organization's name,
and every phone number, e-mail, certificate number and contact name in the database. Every
public page and API response is fetched and scanned for all of them; the public facts of a
completed project (winner, contract amount, acceptance result) must be there.
"""

import html
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from orgs.models import SocialOrg, SocialWorker
from projects import services
from projects.choices import ProjectStatus
from projects.models import Project
from tests import factories as f
from tests.api.conftest import token_client
from tests.projects.story import expire, make_cast

S = ProjectStatus

WIN_PROPOSAL = "PRIVATE-BID-TEXT-WINNER"
LOSE_PROPOSAL = "PRIVATE-BID-TEXT-LOSER"
LOSE_AMOUNT = Decimal("66666.66")
REVIEW = "PRIVATE-REVIEW"
FINDING = "PRIVATE-FINDING"
PROGRESS = "PRIVATE-PROGRESS"
FINAL = "PRIVATE-FINAL-REPORT"
ACCEPT_NOTE = "PRIVATE-ACCEPT-NOTE"
LOSER = "PRIVATE-LOSER社会工作服务中心"
CITATION = "全市推广的助餐示范"


def contact(org_id: int) -> str:
    return f"PRIVATE-CONTACT-{org_id}#"


STATES = (
    S.PUBLISHED,
    S.REVIEWING,
    S.AWARDED,
    S.IN_PROGRESS,
    S.ACCEPTANCE,
    S.RECTIFICATION,
    S.COMPLETED,
    S.FAILED,
    S.CANCELLED,
)


def through(cast, state, n):
    """A project walked to `state` through the services, with two bids (the winner's and
    PRIVATE-LOSER's), both scored by both reviewers, and private text at every step."""
    project = services.project_create(
        actor=cast.staff,
        community=cast.community,
        title=f"公开测试项目{n}",
        budget=Decimal("80000.00"),
        category=f.category("elderly_meals"),
        year=2026,
        funding=[{"resource": cast.resource, "amount": Decimal("80000.00")}],
    )
    services.project_assign(
        actor=cast.official,
        project=project,
        reviewers=[cast.reviewer, cast.reviewer2],
        supervisors=[cast.supervisor],
    )
    deadline = timezone.now() + timedelta(days=7)
    services.project_publish(actor=cast.staff, project=project, bid_deadline=deadline)
    if state == S.PUBLISHED:
        return project
    if state == S.CANCELLED:  # published, then called off: public like any published project
        return services.project_cancel(actor=cast.staff, project=project, reason="不再需要")
    if state == S.FAILED:
        expire(project)
        return services.project_close_bidding(actor=cast.staff, project=project)
    win = services.bid_submit(
        actor=cast.member,
        project=project,
        org=cast.org,
        amount=Decimal("75000.00"),
        proposal=WIN_PROPOSAL,
        team=cast.workers,
    )
    lose = services.bid_submit(
        actor=cast.rival_member,
        project=project,
        org=cast.rival,
        amount=LOSE_AMOUNT,
        proposal=LOSE_PROPOSAL,
        team=[],
    )
    expire(project)
    services.project_close_bidding(actor=cast.staff, project=project)
    for reviewer in (cast.reviewer, cast.reviewer2):
        for bid, score in ((win, 91), (lose, 67)):
            services.review_submit(
                actor=reviewer,
                project=project,
                bid=bid,
                capacity=score,
                plan=score,
                budget=score,
                track_record=score,
                comments=f"{REVIEW} {bid.org.name}",
            )
    if state == S.REVIEWING:  # scored, not yet awarded
        return project
    services.project_award(actor=cast.staff, project=project, bid=win)
    if state == S.AWARDED:
        return project
    services.project_start(actor=cast.member, project=project)
    services.supervision_record(
        actor=cast.supervisor,
        project=project,
        visited_on=timezone.localdate(),
        findings=FINDING,
        rating=4,
    )
    services.progress_report_submit(
        actor=cast.member,
        project=project,
        period_end=timezone.localdate(),
        summary=PROGRESS,
        beneficiaries_served=60,
    )
    if state == S.IN_PROGRESS:
        return project
    services.project_submit_final_report(actor=cast.member, project=project, report=FINAL)
    if state == S.ACCEPTANCE:
        return project
    if state == S.RECTIFICATION:
        return services.project_accept(
            actor=cast.official, project=project, result="fail", score=55, comments=ACCEPT_NOTE
        )
    services.project_accept(
        actor=cast.official, project=project, result="pass", score=93, comments=ACCEPT_NOTE
    )
    return services.project_designate_demonstration(
        actor=cast.official, project=project, citation=CITATION
    )


@pytest.fixture
def world(tree, staff_user, district_official, org, org_member):
    cast = make_cast(
        tree,
        staff_user=staff_user,
        district_official=district_official,
        org=org,
        org_member=org_member,
    )
    cast.resource = f.FundingResourceFactory(amount=Decimal("2000000.00"), region=tree.tianxin)
    SocialOrg.objects.filter(pk=cast.rival.pk).update(name=LOSER)
    cast.rival.refresh_from_db()
    for n, user in enumerate((cast.reviewer, cast.reviewer2), start=1):
        User.objects.filter(pk=user.pk).update(display_name=f"PRIVATE-REVIEWER-{n}")
    User.objects.filter(pk=cast.supervisor.pk).update(display_name="PRIVATE-SUPERVISOR")
    for user in (cast.reviewer, cast.reviewer2, cast.supervisor):
        user.refresh_from_db()
    projects = {state: through(cast, state, n) for n, state in enumerate(STATES)}
    projects[S.DRAFT] = services.project_create(
        actor=cast.staff,
        community=cast.community,
        title="草稿项目",
        budget=Decimal("10000.00"),
        category=f.category("elderly_meals"),
        funding=[],
    )
    need = f.ServiceNeedFactory(community=cast.community)
    offering = f.ServiceOfferingFactory(org=cast.org, service_area=[tree.tianxin])
    offering.workers.set(cast.workers)
    # Users with no right to anything private: signed in with no role, and a member of a third
    # verified organization (who may bid, but sees only its own bids).
    nobody = f.UserFactory(display_name="无角色用户")
    third = f.SocialOrgFactory(name="长沙市岳麓区第三方社工中心", region=tree.yuelu)
    outsider = f.OrgMemberFactory(org=third, user__display_name="第三方社工").user
    for each in SocialOrg.objects.all():
        SocialOrg.objects.filter(pk=each.pk).update(contact_name=contact(each.pk))
    return {
        "cast": cast,
        "projects": {state: Project.objects.get(pk=p.pk) for state, p in projects.items()},
        "need": need,
        "offering": offering,
        "nobody": nobody,
        "outsider": outsider,
    }


def private_values(world) -> dict[str, str]:
    """Every private value → what it is, read from the database once the world is built."""
    cast = world["cast"]
    values = {
        WIN_PROPOSAL: "the winner's proposal",
        LOSE_PROPOSAL: "the losing bid's proposal",
        str(LOSE_AMOUNT): "the losing bid's amount",
        f"{LOSE_AMOUNT:,}": "the losing bid's amount",
        REVIEW: "a reviewer's comment",
        FINDING: "a visit's findings",
        PROGRESS: "a progress report",
        FINAL: "the final report",
        ACCEPT_NOTE: "the acceptance comments",
        "PRIVATE-REVIEWER-": "a reviewer's name",
        "PRIVATE-SUPERVISOR": "the supervisor's name",
    }
    for phone, email in User.objects.exclude(phone="").values_list("phone", "email"):
        values[phone] = "a user's phone"
        values[email] = "a user's e-mail"
    for phone, number in SocialWorker.objects.values_list("phone", "certificate_no"):
        values[phone] = "a social worker's phone"
        values[number] = "a social worker's certificate number"
    for phone in SocialOrg.objects.exclude(contact_phone="").values_list(
        "contact_phone", flat=True
    ):
        values[phone] = "an organization's contact phone"
    for pk in SocialOrg.objects.values_list("pk", flat=True):
        values[contact(pk)] = "an organization's contact person"
    assert cast.rival_member.phone in values and cast.workers[0].phone in values
    return values


def pages(world) -> list[str]:
    cast, projects = world["cast"], world["projects"]
    urls = [
        reverse("home"),
        reverse("communities:need-list"),
        reverse("communities:need-detail", args=[world["need"].pk]),
        reverse("communities:community-detail", args=[cast.community.pk]),
        reverse("orgs:offering-list"),
        reverse("orgs:offering-detail", args=[world["offering"].pk]),
        reverse("orgs:org-list"),
        reverse("orgs:org-detail", args=[cast.org.pk]),
        reverse("orgs:org-detail", args=[cast.rival.pk]),
        reverse("projects:project-list") + "?status=",
        reverse("projects:demonstration-list"),
    ]
    urls += [reverse("projects:rankings") + f"?year=2026&level={level}" for level in LEVELS]
    urls += [p.get_absolute_url() for state, p in projects.items() if state != S.DRAFT]
    return urls


LEVELS = ("community", "street", "district", "org")


def endpoints(world) -> list[str]:
    cast, projects = world["cast"], world["projects"]
    urls = [
        "/api/v1/needs/",
        f"/api/v1/needs/{world['need'].pk}/",
        "/api/v1/offers/",
        f"/api/v1/offers/{world['offering'].pk}/",
        "/api/v1/orgs/",
        f"/api/v1/orgs/{cast.org.pk}/",
        f"/api/v1/orgs/{cast.rival.pk}/",
        f"/api/v1/orgs/{cast.org.pk}/workers/",
        "/api/v1/communities/",
        "/api/v1/projects/?page_size=50",
        "/api/v1/resources/",
        f"/api/v1/resources/{cast.resource.pk}/",
        f"/api/v1/resources/{cast.resource.pk}/ledger/?page_size=200",
        "/api/v1/decisions/",
        "/api/v1/demonstration-projects/",
    ]
    urls += [f"/api/v1/rankings/?year=2026&level={level}" for level in LEVELS]
    for state, project in projects.items():
        if state == S.DRAFT:
            continue
        base = f"/api/v1/projects/{project.pk}/"
        urls.append(base)
        urls += [base + sub for sub in ("bids/", "reviews/", "supervisions/", "progress-reports/")]
        urls.append(base + "history/")
    return urls


def fetch(client, url) -> str:
    response = client.get(url)
    # Anything refused must be refused cleanly: a sign-in, 401, 403 or 404, never a 500.
    assert response.status_code in (200, 302, 401, 403, 404), (url, response.status_code)
    body = response.content.decode()
    if response.get("Content-Type", "").startswith("application/json"):
        # Scan the JSON as text with its escapes undone (\u4e2d…), as a client would read it.
        return json.dumps(json.loads(body), ensure_ascii=False)
    return html.unescape(body)


def visitors(world):
    cast = world["cast"]

    def page_client(user):
        client = Client()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return {
        "anonymous": (page_client(None), token_client(None)),
        "no role": (page_client(world["nobody"]), token_client(world["nobody"])),
        "other organization": (page_client(world["outsider"]), token_client(world["outsider"])),
        # The losing bidder sees its own bid, never the winner's, the scores or the reviewers.
        "losing bidder": (page_client(cast.rival_member), token_client(cast.rival_member)),
    }


def allowed_for(name, world) -> set[str]:
    """What a visitor may legitimately see of the values above: a member its own
    organization's contact person, phone and workers; the losing bidder its own bid."""
    user = {"other organization": world["outsider"], "losing bidder": world["cast"].rival_member}
    if name not in user:
        return set()
    own = set()
    for org in SocialOrg.objects.filter(members__user=user[name]):
        own |= {org.contact_phone, contact(org.pk)}
        own |= set(org.workers.values_list("phone", flat=True))
        own |= set(org.workers.values_list("certificate_no", flat=True))
    if name == "losing bidder":
        own |= {LOSE_PROPOSAL, str(LOSE_AMOUNT), f"{LOSE_AMOUNT:,}"}
    return own


def test_nothing_private_reaches_the_public(world):
    secrets = private_values(world)
    leaks = []
    for name, (browser, api) in visitors(world).items():
        allowed = allowed_for(name, world)
        responses = [(url, fetch(browser, url)) for url in pages(world)]
        responses += [(url, fetch(api, url)) for url in endpoints(world)]
        for url, body in responses:
            for value, what in secrets.items():
                if value in body and value not in allowed:
                    leaks.append(f"{name}: {what} ({value}) on {url}")
            # The losing organization is public (its own page), but not as a bidder.
            on_org_pages = url.startswith(("/orgs/", "/api/v1/orgs/"))
            if LOSER in body and not on_org_pages and name != "losing bidder":
                leaks.append(f"{name}: the losing bidder's name on {url}")
    assert leaks == []


def test_drafts_are_not_public(world):
    draft = world["projects"][S.DRAFT]
    assert Client().get(draft.get_absolute_url()).status_code == 404
    assert token_client().get(f"/api/v1/projects/{draft.pk}/").status_code == 404


def test_delivery_and_workers_are_refused_not_emptied(world):
    """Anonymous callers are told to sign in (401); signed-in strangers are refused (403)."""
    project = world["projects"][S.COMPLETED]
    cast = world["cast"]
    for sub in ("supervisions/", "progress-reports/"):
        url = f"/api/v1/projects/{project.pk}/{sub}"
        assert token_client().get(url).status_code == 401
        assert token_client(world["nobody"]).get(url).status_code == 403
        assert token_client(cast.rival_member).get(url).status_code == 403
    workers = f"/api/v1/orgs/{cast.org.pk}/workers/"
    assert token_client().get(workers).status_code == 401
    assert token_client(world["outsider"]).get(workers).status_code == 403


def test_the_public_facts_of_a_completed_project_are_shown(world):
    project = world["projects"][S.COMPLETED]
    winner = world["cast"].org.name
    page = fetch(Client(), project.get_absolute_url())
    assert winner in page
    assert "75,000.00" in page  # the contract amount
    result = page.split('id="acceptance-result">', 1)[1].split("</dd>", 1)[0]
    assert gettext("Passed") in result and "93" in result
    assert CITATION in page

    body = token_client().get(f"/api/v1/projects/{project.pk}/").json()
    assert (body["awarded_org_name"], body["contract_amount"], body["acceptance_score"]) == (
        winner,
        "75000.00",
        93,
    )
    assert (body["status"], body["demonstration"], body["final_report"]) == (
        "completed",
        True,
        None,
    )
    history = token_client().get(f"/api/v1/projects/{project.pk}/history/").json()["results"]
    assert [t["action"] for t in history][-2:] == ["accept_pass", "designate_demonstration"]

    # …and in the ranking and the list of demonstration projects.
    ranking = fetch(Client(), reverse("projects:rankings") + "?year=2026&level=org")
    assert winner in ranking and "93.00" in ranking
    demonstration = fetch(Client(), reverse("projects:demonstration-list"))
    assert winner in demonstration and CITATION in demonstration and "93" in demonstration


def test_a_failed_acceptance_is_public_too(world):
    """The rectification project failed acceptance once: the page says so, without the
    official's comments."""
    project = world["projects"][S.RECTIFICATION]
    page = fetch(Client(), project.get_absolute_url())
    assert (
        gettext(
            "Acceptance failed once: the organization rectifies and files the final report again."
        )
        in page
    )
    assert ACCEPT_NOTE not in page
