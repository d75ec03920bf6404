"""`manage.py seed_demo` and the region loader it builds on."""

from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import RequestFactory

from communities.choices import NeedStatus, RegionLevel
from communities.models import Community, CommunityStaff, Official, Region, ServiceNeed
from communities.services import regions_load_city
from orgs import uscc
from orgs.choices import OfferingStatus, OrgType
from orgs.models import OrgMember, ServiceOffering, SocialOrg, SocialWorker
from projects.choices import ExpertRole, ProviderType
from projects.models import Expert, FundingResource

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


@pytest.fixture
def seeded(db):
    return seed()


def all_row_counts() -> dict[str, int]:
    """Rows of every table the project has, so nothing the seed touches can slip by."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


# --- regions ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_regions_load_city_is_idempotent_and_restores_official_names():
    assert regions_load_city() == 1 + 9 + 170
    Region.objects.filter(code="430103004000").update(name="改名街道")

    assert regions_load_city(city_code="430100000000") == 0
    assert Region.objects.count() == 180
    assert Region.objects.get(code="430103004000").name == "城南路街道"
    city = Region.objects.get(code="430100000000")
    assert (city.name, city.level, city.parent_id) == ("长沙市", RegionLevel.CITY, None)
    street = Region.objects.get(code="430121004000")
    assert (street.level, street.parent_id) == (RegionLevel.STREET, "430121000000")


@pytest.mark.django_db
def test_regions_load_city_rejects_a_code_that_is_not_a_city():
    with pytest.raises(ValueError, match="prefecture-city"):
        regions_load_city(city_code="430103000000")


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
    others = FundingResource.objects.exclude(provider_type=ProviderType.COMMUNITY_FUND)
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


@pytest.mark.django_db
def test_two_runs_on_an_empty_database_produce_the_same_data():
    def snapshot() -> dict:
        return {
            "communities": sorted(Community.objects.values_list("region_id", "name", "residents")),
            "orgs": sorted(SocialOrg.objects.values_list("uscc", "name", "contact_phone")),
            "workers": sorted(SocialWorker.objects.values_list("certificate_no", "name")),
            "needs": sorted(
                ServiceNeed.objects.values_list("community__region_id", "title", "budget")
            ),
            "offerings": sorted(
                ServiceOffering.objects.values_list("org__uscc", "title", "price_min")
            ),
        }

    snapshots = []
    for _ in range(2):
        with transaction.atomic():
            seed()
            snapshots.append(snapshot())
            transaction.set_rollback(True)
    assert snapshots[0] == snapshots[1]
    assert len(snapshots[0]["needs"]) > 0
