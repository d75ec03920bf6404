"""`manage.py seed_demo` and the region loader it builds on."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO
from itertools import pairwise

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from django.test import RequestFactory
from django.utils import timezone

from communities.choices import NeedStatus, RegionLevel
from communities.models import Community, CommunityStaff, Official, Region, ServiceNeed
from matchmaking.demo.organizations import XINGCHEN
from orgs import uscc
from orgs.choices import OfferingStatus, OrgType
from orgs.models import OrgMember, ServiceOffering, SocialOrg, SocialWorker
from projects.choices import (
    LIVE_STATES,
    BidStatus,
    ExpertRole,
    NotificationKind,
    Procurement,
    ProjectStatus,
    ProviderType,
)
from projects.models import (
    Acceptance,
    Assignment,
    Bid,
    Expert,
    FundingResource,
    Notification,
    Project,
    ProjectFunding,
    ResidentDecision,
    Review,
    SupervisionVisit,
)
from projects.selectors import track_records

YEAR = 2026
PASSWORD = "changsha2026"

DISTRICTS = {
    "430102000000": "芙蓉区",
    "430103000000": "天心区",
    "430104000000": "岳麓区",
    "430105000000": "开福区",
    "430111000000": "雨花区",
    "430112000000": "望城区",
    "430121000000": "长沙县",
    "430181000000": "浏阳市",
    "430182000000": "宁乡市",
}
TIANXIN_STREETS = [
    "坡子街街道",
    "城南路街道",
    "裕南街街道",
    "金盆岭街道",
    "新开铺街道",
    "青园街道",
    "桂花坪街道",
    "先锋街道",
    "赤岭路街道",
    "文源街道",
    "黑石铺街道",
    "大托铺街道",
    "暮云街道",
    "南托街道",
]


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", scale="small", year=YEAR, stdout=out, **options)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker):
    """The small seed, run once for this module and rolled back after it.

    Each test runs in a savepoint inside this transaction (pytest-django's `db`), so what a
    test changes is undone before the next one. Tests that need an empty database live in
    test_seed_demo_fresh.py.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed()
        transaction.set_rollback(True)


@pytest.fixture
def seeded(seeded_once, db):
    return seeded_once


def all_row_counts() -> dict[str, int]:
    """Rows of every table the project has, so nothing the seed touches can slip by."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


# --- regions ------------------------------------------------------------------------------


def test_changsha_districts_and_tianxin_streets_are_the_official_ones(seeded):
    districts = Region.objects.filter(level=RegionLevel.DISTRICT, parent_id="430100000000")
    assert dict(districts.values_list("code", "name")) == DISTRICTS
    streets = Region.objects.filter(level=RegionLevel.STREET, parent_id="430103000000")
    assert list(streets.order_by("code").values_list("name", flat=True)) == TIANXIN_STREETS
    assert streets.get(name="坡子街街道").code == "430103002000"
    assert Region.objects.filter(level=RegionLevel.STREET, code__startswith="4301").count() == 170


def test_a_code_prefix_selects_a_district_with_everything_below_it(seeded):
    below = Region.objects.filter(code__startswith="430103")
    levels = sorted(set(below.values_list("level", flat=True)))
    assert levels == sorted([RegionLevel.DISTRICT, RegionLevel.STREET, RegionLevel.COMMUNITY])
    communities = Community.objects.filter(region__code__startswith="430103")
    assert below.count() == 1 + 14 + communities.count()
    assert communities.filter(name__in=["木莲社区", "宝塔山社区"]).count() == 2
    for region in below.filter(level=RegionLevel.COMMUNITY):
        assert region.code[9:] != "000"
        assert region.parent_id == region.code[:9] + "000"


# --- the seed -----------------------------------------------------------------------------


def test_named_communities_and_organizations_exist(seeded):
    mulian = Community.objects.get(name="木莲社区")
    assert mulian.region.parent.name == "城南路街道"
    assert mulian.region_id.startswith("430103004")
    assert Community.objects.get(name="宝塔山社区").region.parent.name == "裕南街街道"

    expected = {
        "长沙县星辰社会工作发展中心": (OrgType.SOCIAL_SERVICE, "430121000000"),
        "长沙县大同社会工作服务中心": (OrgType.SOCIAL_SERVICE, "430121000000"),
        "天心区暮云小蜜蜂志愿者协会": (OrgType.SOCIAL_GROUP, "430103000000"),
    }
    for name, (org_type, region) in expected.items():
        org = SocialOrg.objects.get(name=name)
        assert (org.org_type, org.region_id) == (org_type, region)


def test_small_scale_shape(seeded):
    communities = Community.objects.all()
    assert {c.region_id[:6] for c in communities} == {"430103", "430121"}
    assert 12 <= communities.count() <= 30
    assert SocialOrg.objects.count() == 30
    assert SocialWorker.objects.count() == 40
    for community in communities:
        assert 800 <= community.households <= 6000
        assert community.staff_certified <= community.staff_total
        assert community.elderly < community.residents
        assert community.region.name == community.name
    for street in Region.objects.filter(level=RegionLevel.STREET):
        names = list(Community.objects.filter(region__parent=street).values_list("name", flat=True))
        assert len(names) == len(set(names))


def test_every_community_has_exactly_one_benefit_fund_for_the_year(seeded):
    for community in Community.objects.all():
        funds = FundingResource.objects.filter(
            community=community, provider_type=ProviderType.COMMUNITY_FUND, year=YEAR
        )
        assert funds.count() == 1
        fund = funds.get()
        assert fund.amount == Decimal("200000.00")
        assert fund.region_id == community.region_id
        assert fund.name == f"{community.name}{YEAR}年惠民项目资金"
    # The year's money besides what was published at the demo fair (checked below).
    others = FundingResource.objects.filter(year=YEAR, fair__isnull=True).exclude(
        provider_type=ProviderType.COMMUNITY_FUND
    )
    at_the_fair = FundingResource.objects.filter(year=YEAR, fair__isnull=False)
    assert sum(r.amount for r in at_the_fair) == Decimal("4300000.00")
    assert others.get(provider_name="长沙市慈善会").amount == Decimal("2500000.00")
    assert others.filter(provider_type=ProviderType.GOVERNMENT).count() == 1 + 9
    enterprise = others.filter(provider_type=ProviderType.ENTERPRISE)
    assert sum(r.amount for r in enterprise) == Decimal("10000000.00")
    assert others.filter(categories__isnull=False).distinct().count() >= 3


def test_every_credit_code_is_valid_and_unique(seeded):
    codes = list(SocialOrg.objects.values_list("uscc", flat=True))
    assert all(uscc.is_valid(code) for code in codes)
    assert len(set(codes)) == len(codes)
    names = list(SocialOrg.objects.values_list("name", flat=True))
    assert len(set(names)) == len(names)
    for org in SocialOrg.objects.all():
        assert org.uscc[2:8] == org.region_id[:6]
        assert org.verified == (org.verified_at is not None)


def test_statuses_dates_and_categories_are_consistent(seeded):
    needs = ServiceNeed.objects.all()
    assert needs.filter(status=NeedStatus.DRAFT).exists()
    assert needs.filter(status=NeedStatus.DRAFT, published_at__isnull=False).count() == 0
    assert needs.exclude(status=NeedStatus.DRAFT).filter(published_at__isnull=True).count() == 0
    for need in needs:
        assert need.period_start.year == need.period_end.year == YEAR
        assert Decimal("10000") <= need.budget <= Decimal("200000")
        assert 20 <= need.beneficiaries <= 800
    roots = {c.parent.code if c.parent_id else c.code for c in (n.category for n in needs)}
    assert len(roots) == 11

    offerings = ServiceOffering.objects.all()
    assert offerings.filter(status=OfferingStatus.DRAFT).exists()
    published = offerings.filter(status=OfferingStatus.PUBLISHED)
    assert published.exists()
    assert published.filter(published_at__isnull=True).count() == 0
    roots = {c.parent.code if c.parent_id else c.code for c in (o.category for o in offerings)}
    assert len(roots) == 11
    for offering in offerings:
        assert offering.price_min <= offering.price_max
        assert 1 <= offering.capacity <= 5
        assert offering.service_area.exists()
        for worker in offering.workers.all():
            assert worker.org_id == offering.org_id


def test_the_articles_needs_and_offering(seeded):
    rainbow = ServiceNeed.objects.get(community__name="宝塔山社区", title__contains="彩虹驿站")
    assert rainbow.category.code == "disability"
    assert "disabled" in set(rainbow.target_groups.values_list("code", flat=True))
    for service in ("社区康复", "情绪辅导", "社区融合", "赋能赋权"):
        assert service in rainbow.description

    party = ServiceNeed.objects.get(community__name="木莲社区", category__code="party_units")
    assert party.status == NeedStatus.MATCHED
    units = ServiceOffering.objects.get(org__name="天心区暮云小蜜蜂志愿者协会")
    for unit in ("少儿党建", "青春党建", "花甲党建"):
        assert unit in units.title
    assert units.status == OfferingStatus.PUBLISHED
    assert units.service_area.filter(code="430103000000").exists()


def test_demo_logins_authenticate_and_hold_their_roles(seeded):
    assert "official_tianxin" in seeded  # the logins table is printed
    for username in (
        "staff_mulian",
        "org_xingchen",
        "official_tianxin",
        "official_city",
        "reviewer_demo",
        "supervisor_demo",
        "admin",
    ):
        request = RequestFactory().post("/")
        user = authenticate(request=request, username=username, password=PASSWORD)
        assert user is not None, username
        assert user.display_name

    staff = CommunityStaff.objects.get(user__username="staff_mulian")
    assert staff.community.name == "木莲社区"
    member = OrgMember.objects.get(user__username="org_xingchen")
    assert member.is_admin
    assert member.org.name == "长沙县星辰社会工作发展中心"
    assert Official.objects.get(user__username="official_tianxin").region_id == "430103000000"
    assert Official.objects.get(user__username="official_city").region_id == "430100000000"
    reviewer = Expert.objects.get(user__username="reviewer_demo")
    assert (reviewer.role, reviewer.region_id) == (ExpertRole.REVIEWER, "430100000000")
    assert Expert.objects.get(user__username="supervisor_demo").role == ExpertRole.SUPERVISOR
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_staff
    assert admin.is_superuser


def test_a_second_run_adds_nothing_and_keeps_what_users_changed(seeded):
    community = Community.objects.get(name="木莲社区")
    community.households = 1234
    community.save()
    org = SocialOrg.objects.get(name="长沙县大同社会工作服务中心")
    org.grade = ""
    org.save()
    user = get_user_model().objects.get(username="staff_mulian")
    user.set_password("a-new-secret-2026")
    user.save()
    before = all_row_counts()

    seed()

    assert all_row_counts() == before
    assert Community.objects.get(pk=community.pk).households == 1234
    assert SocialOrg.objects.get(pk=org.pk).grade == ""
    user.refresh_from_db()
    assert user.check_password("a-new-secret-2026")


# --- projects -----------------------------------------------------------------------------

S = ProjectStatus
MULIAN = "木莲社区"


def mulian(year: int = YEAR):
    return Project.objects.filter(community__name=MULIAN, year=year)


def one(status: str) -> Project:
    """木莲社区's open-procurement project in `status`."""
    return mulian().get(status=status, procurement=Procurement.OPEN)


def test_the_named_community_has_a_project_in_every_state(seeded):
    assert set(mulian().values_list("status", flat=True)) == set(S.values)
    # The directed project of the story (the demo fair's converted intention is another).
    directed = mulian().filter(intention__isnull=True).get(procurement=Procurement.DIRECTED)
    assert directed.directed_org.name == "天心区暮云小蜜蜂志愿者协会"
    assert directed.need.category.code == "party_units"
    assert directed.status == S.IN_PROGRESS
    assert directed.awarded_bid.org_id == directed.directed_org_id
    assert directed.award_reason  # awarded without reviews, on a written reason
    assert set(mulian(YEAR - 1).values_list("status", flat=True)) == {S.COMPLETED}
    assert "small" in seeded  # the command reported what it did
    assert f"{MULIAN} {YEAR}:" in seeded


def test_each_state_has_what_its_page_shows(seeded):
    now = timezone.now()
    published = one(S.PUBLISHED)
    assert published.bid_deadline > now
    assert published.bids.filter(org__name=XINGCHEN, status=BidStatus.SUBMITTED).exists()
    assert published.bids.count() >= 2

    reviewing = one(S.REVIEWING)
    assert reviewing.bid_deadline < now
    reviewer = reviewing.assignments.get(user__username="reviewer_demo", role=ExpertRole.REVIEWER)
    scored = Review.objects.filter(project=reviewing, reviewer=reviewer.user).count()
    assert 0 < scored < reviewing.bids.count()  # some reviews still to do

    awarded = one(S.AWARDED)
    assert awarded.awarded_bid.org.name == XINGCHEN
    assert awarded.contract_amount <= awarded.budget

    running = one(S.IN_PROGRESS)
    assert running.awarded_bid.org.name == XINGCHEN
    assert running.assignments.filter(user__username="supervisor_demo").exists()
    assert running.progress_reports.count() >= 2
    assert running.visits.filter(supervisor__username="supervisor_demo").exists()

    waiting = one(S.ACCEPTANCE)
    assert waiting.final_report
    assert waiting.visits.exists()

    rectifying = one(S.RECTIFICATION)
    assert rectifying.rectified
    assert rectifying.acceptances.get().result == "fail"

    for done in mulian().filter(status=S.COMPLETED):
        assert 0 < done.acceptance_score <= 100
        assert done.visits.exists()
        assert done.acceptances.get().result == "pass"

    failed = one(S.FAILED)
    assert not failed.bids.exists()
    cancelled = one(S.CANCELLED)
    assert cancelled.cancel_reason
    for closed in (failed, cancelled):
        assert all(line.outstanding == 0 for line in closed.funding.all())
        assert closed.funding.filter(released__gt=0).exists()


def test_every_demo_login_has_projects_of_its_own(seeded):
    staff = CommunityStaff.objects.get(user__username="staff_mulian")
    assert staff.community.projects.count() >= len(S.values)

    xingchen = Bid.objects.filter(org__name=XINGCHEN)
    assert {S.PUBLISHED, S.REVIEWING, S.AWARDED, S.IN_PROGRESS, S.ACCEPTANCE, S.COMPLETED} <= set(
        xingchen.values_list("project__status", flat=True)
    )
    assert xingchen.filter(submitted_by__username="org_xingchen").count() == xingchen.count()

    tianxin = Project.objects.filter(community__region__code__startswith="430103")
    assert tianxin.filter(status=S.ACCEPTANCE).exists()
    assert Acceptance.objects.filter(by__username="official_tianxin").exists()
    assert Acceptance.objects.filter(by__username="official_city").exists()

    reviews = Review.objects.filter(reviewer__username="reviewer_demo")
    assert reviews.filter(project__status=S.COMPLETED).exists()
    assert Assignment.objects.filter(user__username="reviewer_demo", project__status=S.REVIEWING)
    assert SupervisionVisit.objects.filter(supervisor__username="supervisor_demo").count() >= 3

    for username, kind in (
        ("staff_mulian", NotificationKind.BID_RECEIVED),
        ("official_tianxin", NotificationKind.ACCEPTANCE_DUE),
        ("org_xingchen", NotificationKind.AWARDED),
    ):
        unread = Notification.objects.filter(user__username=username, read_at__isnull=True)
        assert unread.filter(kind=kind).exists(), username
    # What happened months ago has been read.
    old = Notification.objects.filter(created_at__lt=timezone.now() - timedelta(days=60))
    assert old.exists()
    assert not old.filter(read_at__isnull=True).exists()


def test_the_community_fund_pays_only_after_a_passed_decision(seeded):
    fund_lines = ProjectFunding.objects.filter(resource__provider_type=ProviderType.COMMUNITY_FUND)
    assert fund_lines.exclude(project__status=S.DRAFT).exists()
    for line in fund_lines.select_related("project__decision"):
        decision = line.project.decision
        assert decision is not None and decision.passed
        assert decision.community_id == line.project.community_id == line.resource.community_id
    for decision in ResidentDecision.objects.filter(passed=True):
        spent = fund_lines.filter(
            project__decision=decision, project__status__in=(*LIVE_STATES, S.COMPLETED)
        ).aggregate(total=Sum("amount"))["total"]
        assert spent <= decision.amount
    rejected = ResidentDecision.objects.get(community__name=MULIAN, passed=False)
    assert not rejected.projects.exists()
    paid_by = set(
        ProjectFunding.objects.values_list("resource__provider_type", flat=True).distinct()
    )
    assert {ProviderType.GOVERNMENT, ProviderType.CHARITY, ProviderType.COMMUNITY_FUND} <= paid_by


def test_the_ledger_adds_up(seeded):
    for resource in FundingResource.objects.filter(ledger__isnull=False).distinct():
        sums = dict(
            resource.ledger.values("kind").annotate(s=Sum("amount")).values_list("kind", "s")
        )
        zero = Decimal(0)
        commits = sums.get("commit", zero)
        assert resource.committed == commits - sums.get("release", zero)
        assert resource.disbursed == sums.get("disburse", zero)
        assert 0 <= resource.disbursed <= resource.committed <= resource.amount
    for line in ProjectFunding.objects.select_related("project"):
        project = line.project
        if project.status == S.DRAFT:
            assert line.committed == 0
        else:
            assert line.committed == line.amount
        if project.status in (S.FAILED, S.CANCELLED):
            assert line.outstanding == 0
    for project in Project.objects.filter(status=S.COMPLETED):
        paid = project.funding.aggregate(total=Sum("disbursed"))["total"]
        assert paid == project.contract_amount


def test_each_project_went_through_its_states_in_time(seeded):
    now = timezone.now()
    for project in Project.objects.prefetch_related("transitions"):
        log = list(project.transitions.all())
        assert log[0].action == "create"
        assert log[-1].to_status == project.status
        for before, after in pairwise(log):
            assert after.from_status == before.to_status
            assert before.at < after.at
        assert log[-1].at < now
        if project.status not in (S.DRAFT, S.PUBLISHED, S.CANCELLED):
            close = next(t for t in log if t.from_status == S.PUBLISHED)
            early = project.procurement == Procurement.DIRECTED
            assert early or close.at >= project.bid_deadline
            assert project.published_at < close.at
        assert project.visits.filter(visited_on__gt=timezone.localdate()).count() == 0
        assert project.period_start <= project.period_end


def test_completed_projects_feed_the_track_record(seeded):
    xingchen = SocialOrg.objects.get(name=XINGCHEN)
    scores = track_records([xingchen.pk])[xingchen.pk]
    assert len(scores) >= 2  # one of last year and one of this year at least
    assert all(0 < score <= 100 for score in scores)
    assert Project.objects.filter(year=YEAR - 1, status=S.COMPLETED).count() >= 4


def test_the_demo_fair_has_participants_money_and_signed_intentions(seeded):
    from projects.fairs import fair_stats
    from projects.models import Fair

    fair = Fair.objects.get(year=YEAR)
    stats = fair_stats(fair)
    tianxin = Community.objects.filter(region__code__startswith="430103").count()
    assert stats.communities == tianxin > 0
    assert stats.orgs >= 1 and stats.streets >= 3
    assert stats.resources_amount == Decimal("4300000.00")
    assert stats.intentions == fair.intentions.count() > 0
    converted = fair.intentions.filter(project__isnull=False)
    assert [i.community.name for i in converted] == ["木莲社区"]
    assert converted.get().project.directed_org == converted.get().org
    # Signed on the day of the fair, not at the time of seeding.
    assert {i.signed_at.date() for i in fair.intentions.all()} == {fair.held_on}
