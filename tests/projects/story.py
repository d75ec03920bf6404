"""A cast of users and helpers that walk a project through the services, so a test of a late
stage starts from a project that really went through the earlier ones.

Time: publishing needs a deadline in the future and closing needs it past; `expire(project)`
moves the deadline into the past, as the clock would.
"""

import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from communities.models import Community
from orgs.models import SocialOrg, SocialWorker
from projects import services
from projects.choices import ExpertRole, ProjectStatus
from projects.models import FundingResource, Project
from tests import factories as f

S = ProjectStatus


@dataclass
class Cast:
    community: Community
    staff: object
    official: object  # 天心区
    resource: FundingResource  # 天心区 government budget, 500,000
    org: SocialOrg
    member: object
    workers: list[SocialWorker]
    rival: SocialOrg
    rival_member: object
    reviewer: object
    reviewer2: object
    supervisor: object


def make_cast(tree, *, staff_user, district_official, org, org_member) -> Cast:
    rival = f.SocialOrgFactory(name="长沙市雨花区同心社工服务中心", region=tree.tianxin)
    return Cast(
        community=tree.pozijie_community,
        staff=staff_user,
        official=district_official,
        resource=f.FundingResourceFactory(
            name="2026年天心区政府购买服务资金", amount=Decimal("500000.00"), region=tree.tianxin
        ),
        org=org,
        member=org_member,
        workers=[f.SocialWorkerFactory(org=org) for _ in range(2)],
        rival=rival,
        rival_member=f.OrgMemberFactory(org=rival, user__display_name="同心周社工").user,
        reviewer=f.ExpertFactory(role=ExpertRole.REVIEWER, region=tree.city).user,
        reviewer2=f.ExpertFactory(role=ExpertRole.REVIEWER, region=tree.city).user,
        supervisor=f.ExpertFactory(role=ExpertRole.SUPERVISOR, region=tree.city).user,
    )


def draft(cast: Cast, *, budget="80000.00", funding=None, **data) -> Project:
    budget = Decimal(budget)
    data.setdefault("category", f.category("elderly_meals"))
    data.setdefault("year", 2026)
    return services.project_create(
        actor=cast.staff,
        community=cast.community,
        title=data.pop("title", "坡子街社区老年助餐服务项目"),
        budget=budget,
        funding=funding if funding is not None else [{"resource": cast.resource, "amount": budget}],
        **data,
    )


def publish(cast: Cast, project: Project, *, days=7) -> Project:
    return services.project_publish(
        actor=cast.staff, project=project, bid_deadline=timezone.now() + timedelta(days=days)
    )


def expire(project: Project) -> Project:
    Project.objects.filter(pk=project.pk).update(bid_deadline=timezone.now() - timedelta(minutes=1))
    project.refresh_from_db()
    return project


def bid(cast: Cast, project: Project, *, org=None, member=None, amount="75000.00", team=None):
    org = org or cast.org
    member = member or (cast.member if org == cast.org else cast.rival_member)
    return services.bid_submit(
        actor=member,
        project=project,
        org=org,
        amount=Decimal(amount),
        proposal="每周三次上门送餐，配备两名持证社工。",
        team=team if team is not None else (cast.workers if org == cast.org else []),
    )


def assign(cast: Cast, project: Project) -> Project:
    return services.project_assign(
        actor=cast.official,
        project=project,
        reviewers=[cast.reviewer, cast.reviewer2],
        supervisors=[cast.supervisor],
    )


def review(cast: Cast, project: Project, bid, *, reviewer=None, score=80):
    return services.review_submit(
        actor=reviewer or cast.reviewer,
        project=project,
        bid=bid,
        capacity=score,
        plan=score,
        budget=score,
        track_record=score,
        comments="方案完整",
    )


def advance(cast: Cast, project: Project, to: str) -> Project:
    """Walk `project` (a fresh draft) through the services up to state `to`."""
    order = [S.PUBLISHED, S.REVIEWING, S.AWARDED, S.IN_PROGRESS, S.ACCEPTANCE, S.COMPLETED]
    assign(cast, project)
    for state in order:
        if state == S.PUBLISHED:
            publish(cast, project)
        elif state == S.REVIEWING:
            project._bid = bid(cast, project)
            expire(project)
            services.project_close_bidding(actor=cast.staff, project=project)
        elif state == S.AWARDED:
            review(cast, project, project._bid)
            services.project_award(actor=cast.staff, project=project, bid=project._bid)
        elif state == S.IN_PROGRESS:
            services.project_start(actor=cast.member, project=project)
        elif state == S.ACCEPTANCE:
            services.supervision_record(
                actor=cast.supervisor,
                project=project,
                visited_on=date.today(),
                findings="服务记录完整，老人满意。",
                rating=4,
            )
            services.progress_report_submit(
                actor=cast.member,
                project=project,
                period_end=date.today(),
                summary="已服务老人 60 人次。",
                beneficiaries_served=60,
            )
            services.project_submit_final_report(
                actor=cast.member, project=project, report="全年服务 120 名老人，满意度 96%。"
            )
        elif state == S.COMPLETED:
            services.project_accept(
                actor=cast.official, project=project, result="pass", score=90, comments="合格"
            )
        project.refresh_from_db()
        if state == to:
            break
    return project


# --- more steps, and the money identities every test can check -------------------------------


def community_fund(cast: Cast, *, amount="200000.00") -> FundingResource:
    """The community's own benefit fund for 2026 (spent only after a residents' decision)."""
    return f.FundingResourceFactory(
        community_fund=True, community=cast.community, amount=Decimal(amount)
    )


def decision(cast: Cast, *, amount="120000.00", passed=True, community=None):
    """A residents' meeting recorded through the service: 30 of 45 attend; 25 (or 10) for."""
    community = community or cast.community
    actor = cast.staff
    if community != cast.community:
        actor = f.CommunityStaffFactory(community=community).user
    return services.decision_record(
        actor=actor,
        community=community,
        subject="使用社区惠民资金购买老年助餐服务",
        amount=Decimal(amount),
        meeting_date=date(2026, 3, 15),
        representatives_total=45,
        attendees=30,
        votes_for=25 if passed else 10,
        votes_against=3 if passed else 18,
        abstentions=2,
    )


def visit(cast: Cast, project: Project, *, rating=4, on=None, supervisor=None):
    return services.supervision_record(
        actor=supervisor or cast.supervisor,
        project=project,
        visited_on=on or timezone.localdate(),
        findings="服务记录完整，老人满意。",
        rating=rating,
    )


def report(cast: Cast, project: Project, *, member=None):
    return services.progress_report_submit(
        actor=member or cast.member,
        project=project,
        period_end=timezone.localdate(),
        summary="已服务老人 60 人次。",
        beneficiaries_served=60,
    )


def final_report(cast: Cast, project: Project, *, text="全年服务 120 名老人，满意度 96%。"):
    return services.project_submit_final_report(actor=cast.member, project=project, report=text)


def accept(cast: Cast, project: Project, result="pass", *, score=90, actor=None):
    return services.project_accept(
        actor=actor or cast.official, project=project, result=result, score=score, comments="验收"
    )


def walk(cast, state):
    """A project in `state`, through the services."""
    if state == S.DRAFT:
        return draft(cast)
    if state == S.RECTIFICATION:
        project = advance(cast, draft(cast), S.ACCEPTANCE)
        accept(cast, project, "fail", score=50)
        return project
    if state == S.FAILED:
        project = publish(cast, draft(cast))
        expire(project)
        return services.project_close_bidding(actor=cast.staff, project=project)
    if state == S.CANCELLED:
        return services.project_cancel(actor=cast.staff, project=draft(cast), reason="不再需要")
    return advance(cast, draft(cast), state)


def travel(project: Project, days: int) -> None:
    """Let `days` pass for a running project: its start, its reports and the notifications
    about it move that far into the past."""
    from projects.models import Notification, ProgressReport

    delta = timedelta(days=days)
    Project.objects.filter(pk=project.pk).update(started_at=F("started_at") - delta)
    ProgressReport.objects.filter(project=project).update(created_at=F("created_at") - delta)
    Notification.objects.filter(project=project).update(created_at=F("created_at") - delta)
    project.refresh_from_db()


def assert_money() -> None:
    """Every resource agrees with its ledger; every funding line agrees with the ledger entries
    carrying its project; a completed project paid out exactly its contract."""
    from django.db.models import Sum

    from projects.models import LedgerEntry, ProjectFunding

    from .conftest import assert_consistent, ledger_state

    zero = Decimal("0.00")
    for resource in FundingResource.objects.all():
        assert_consistent(ledger_state(resource))
    for line in ProjectFunding.objects.select_related("project"):
        entries = LedgerEntry.objects.filter(project=line.project_id, resource=line.resource_id)

        def total(kind, entries=entries):
            return entries.filter(kind=kind).aggregate(s=Sum("amount"))["s"] or zero

        assert (line.committed, line.released, line.disbursed) == (
            total("commit"),
            total("release"),
            total("disburse"),
        ), line
        assert line.committed == line.released + line.disbursed + line.outstanding
        assert zero <= line.outstanding <= line.committed <= line.amount, line
        status = line.project.status
        if status == S.DRAFT:
            assert line.committed == zero, line
        if status in (S.FAILED, S.CANCELLED, S.COMPLETED):
            assert line.outstanding == zero, line  # nothing stays reserved for a closed project
    # Every movement of a project's money names the project, and only its own resources.
    for entry in LedgerEntry.objects.exclude(project=None):
        assert ProjectFunding.objects.filter(
            project=entry.project_id, resource=entry.resource_id
        ).exists(), entry
    for project in Project.objects.filter(status=S.COMPLETED):
        paid = project.funding.aggregate(s=Sum("disbursed"))["s"]
        assert paid == project.contract_amount, project


def assert_log(project: Project) -> None:
    """One log entry per change of status: the first creates the draft, each next one starts
    where the one before ended, and the last ends at the project's status."""
    steps = list(project.transitions.order_by("at", "id"))
    assert steps[0].action == "create" and steps[0].from_status == ""
    for before, after in itertools.pairwise(steps):
        assert after.from_status == before.to_status, steps
        assert after.from_status != after.to_status, steps
    assert steps[-1].to_status == Project.objects.get(pk=project.pk).status, steps
