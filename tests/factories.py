"""factory_boy factories for every model of our apps.

Regions are keyed by their 12-digit codes and always created with their ancestors (down from
the city) through get_or_create, so `region("430103002001")` yields 长沙市 → 天心区 → 坡子街街道 →
the community, whatever already exists. Service categories and target groups are reference
data seeded by a migration; their factories look the seeded rows up by code.

Default rows are placed clear of the hand-picked codes the tests use (communities 001–099),
so a factory-made community never collides with a fixture's one.
"""

from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import User
from communities.choices import NeedStatus
from communities.models import (
    Community,
    CommunityStaff,
    Official,
    Region,
    ServiceCategory,
    ServiceNeed,
    TargetGroup,
)
from core import regions
from orgs import uscc
from orgs.choices import USCC_TYPE_CHAR, CertificateLevel, OfferingStatus, OrgType
from orgs.models import OrgMember, ServiceOffering, SocialOrg, SocialWorker
from projects.choices import ExpertRole, ProviderType, ResourceStatus
from projects.models import Expert, FundingResource

CITY = "430100000000"  # 长沙市
TIANXIN = "430103000000"  # 天心区
YUELU = "430104000000"  # 岳麓区
POZIJIE = "430103002000"  # 坡子街街道 (天心区)
CHENGNANLU = "430103004000"  # 城南路街道 (天心区)
XIANFENG = "430103010000"  # 先锋街道 (天心区)
WANGYUEHU = "430104001000"  # 望月湖街道 (岳麓区)

# Real names from the Ministry of Civil Affairs' table; other codes get a made-up name.
REGION_NAMES = {
    "430000000000": "湖南省",
    CITY: "长沙市",
    "430102000000": "芙蓉区",
    TIANXIN: "天心区",
    YUELU: "岳麓区",
    "430105000000": "开福区",
    "430111000000": "雨花区",
    POZIJIE: "坡子街街道",
    CHENGNANLU: "城南路街道",
    "430103005000": "裕南街街道",
    XIANFENG: "先锋街道",
    WANGYUEHU: "望月湖街道",
    "430104002000": "岳麓街道",
}

_LEVEL_SUFFIX = {
    regions.PROVINCE: "省",
    regions.CITY: "市",
    regions.DISTRICT: "区",
    regions.STREET: "街道",
    regions.COMMUNITY: "社区",
}


def region_name(code: str) -> str:
    """The real name of a known code, else a recognisable made-up one (e.g. 测试社区001)."""
    if code in REGION_NAMES:
        return REGION_NAMES[code]
    level = regions.level_of(code)
    index = regions.LEVELS.index(level)
    start = regions.PREFIX_LENGTH[regions.LEVELS[index - 1]] if index else 0
    digits = code[start : regions.PREFIX_LENGTH[level]]
    return f"测试{_LEVEL_SUFFIX[level]}{digits}"


def _parent_region(code: str) -> Region | None:
    """Parents are created down from the city; a city is a root (no province row needed)."""
    if regions.level_of(code) in (regions.PROVINCE, regions.CITY):
        return None
    return region(regions.parent_code(code))


def _community_code(n: int) -> str:
    """Sequence number → a community code in 天心区 numbered 100–999 within its street."""
    street = 2 if n < 900 else 100 + (n // 900) % 900
    return f"430103{street:03d}{100 + n % 900:03d}"


class RegionFactory(DjangoModelFactory):
    """Get or create a region by code, with its ancestors; by default a community."""

    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(_community_code)
    name = factory.LazyAttribute(lambda o: region_name(o.code))
    level = factory.LazyAttribute(lambda o: regions.level_of(o.code))
    parent = factory.LazyAttribute(lambda o: _parent_region(o.code))


class CityRegionFactory(RegionFactory):
    code = factory.Sequence(lambda n: f"43{20 + n % 80:02d}00000000")


class DistrictRegionFactory(RegionFactory):
    code = factory.Sequence(lambda n: f"4301{20 + n % 80:02d}000000")


class StreetRegionFactory(RegionFactory):
    code = factory.Sequence(lambda n: f"430103{100 + n % 900:03d}000")


def region(code: str, name: str | None = None) -> Region:
    """Get or create the region `code` and every region above it down from the city."""
    if name is None:
        return RegionFactory(code=code)
    return RegionFactory(code=code, name=name)


def region_chain(community_code: str = "430103002001") -> tuple[Region, Region, Region, Region]:
    """(city, district, street, community) regions above and at a community code."""
    if regions.level_of(community_code) != regions.COMMUNITY:
        raise ValueError(f"not a community code: {community_code!r}")
    community = region(community_code)
    street = community.parent
    district = street.parent
    return district.parent, district, street, community


def category(code: str) -> ServiceCategory:
    """A service category seeded by the data migration, e.g. "elderly_meals"."""
    return ServiceCategory.objects.get(code=code)


def target_group(code: str) -> TargetGroup:
    """A target group seeded by the data migration, e.g. "elderly"."""
    return TargetGroup.objects.get(code=code)


def _as_category(value) -> ServiceCategory:
    return value if isinstance(value, ServiceCategory) else category(value)


def _as_target_group(value) -> TargetGroup:
    return value if isinstance(value, TargetGroup) else target_group(value)


def _as_region(value) -> Region:
    return value if isinstance(value, Region) else region(value)


class ServiceCategoryFactory(DjangoModelFactory):
    """Looks up a seeded category (get_or_create by code); a new code makes a new one."""

    class Meta:
        model = ServiceCategory
        django_get_or_create = ("code",)

    code = "elderly_meals"
    name = factory.LazyAttribute(lambda o: o.code)
    name_en = factory.LazyAttribute(lambda o: o.code.replace("_", " "))


class TargetGroupFactory(DjangoModelFactory):
    class Meta:
        model = TargetGroup
        django_get_or_create = ("code",)

    code = "elderly"
    name = factory.LazyAttribute(lambda o: o.code)
    name_en = factory.LazyAttribute(lambda o: o.code.replace("_", " "))


def _zh(provider: str, **kwargs):
    return factory.Faker(provider, locale="zh_CN", **kwargs)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n:04d}")
    display_name = _zh("name")
    phone = factory.Sequence(lambda n: f"139{n % 100_000_000:08d}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.cn")
    password = factory.django.Password("correct-horse-battery")


class SuperUserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"admin{n:04d}")
    is_staff = True
    is_superuser = True


class CommunityFactory(DjangoModelFactory):
    class Meta:
        model = Community

    region = factory.SubFactory(RegionFactory)
    name = factory.LazyAttribute(lambda o: o.region.name)
    address = _zh("street_address")
    households = 1200
    residents = 3600
    elderly = 640
    disabled = 85
    staff_total = 12
    staff_certified = 5
    representatives_total = 45


def community_at(code: str, **kwargs) -> Community:
    """The community of region `code` (created with its ancestors if missing)."""
    place = region(code)
    existing = Community.objects.filter(region=place).first()
    return existing or CommunityFactory(region=place, **kwargs)


class CommunityStaffFactory(DjangoModelFactory):
    class Meta:
        model = CommunityStaff

    user = factory.SubFactory(UserFactory)
    community = factory.SubFactory(CommunityFactory)
    position = "社区专干"
    certified = True


class OfficialFactory(DjangoModelFactory):
    class Meta:
        model = Official

    user = factory.SubFactory(UserFactory)
    region = factory.LazyFunction(lambda: region(TIANXIN))
    title = "民政办科员"


def _published_at(obj) -> object:
    return None if obj.status == "draft" else timezone.now()


class ServiceNeedFactory(DjangoModelFactory):
    """A published need (with `published_at`); pass `status="draft"` for a draft."""

    class Meta:
        model = ServiceNeed
        skip_postgeneration_save = True

    community = factory.SubFactory(CommunityFactory)
    title = factory.LazyAttributeSequence(lambda o, n: f"{o.community.name}{o.category.name}{n}")
    category = factory.LazyFunction(lambda: category("elderly_meals"))
    beneficiaries = 120
    description = _zh("paragraph")
    budget = Decimal("50000.00")
    period_start = date(2026, 3, 1)
    period_end = date(2026, 12, 31)
    status = NeedStatus.PUBLISHED
    published_at = factory.LazyAttribute(_published_at)

    class Params:
        draft = factory.Trait(status=NeedStatus.DRAFT)

    @factory.post_generation
    def target_groups(self, create, extracted, **kwargs):
        """Codes or TargetGroup rows; defaults to ["elderly"]."""
        if not create:
            return
        values = ["elderly"] if extracted is None else extracted
        self.target_groups.set([_as_target_group(v) for v in values])


class SocialOrgFactory(DjangoModelFactory):
    """A verified social service institution registered in 天心区, with a valid USCC."""

    class Meta:
        model = SocialOrg

    class Params:
        prefix = _zh("company_prefix")
        unverified = factory.Trait(verified=False, verified_at=None)

    name = factory.LazyAttribute(lambda o: f"长沙市{o.prefix}社会工作服务中心")
    org_type = OrgType.SOCIAL_SERVICE
    region = factory.LazyFunction(lambda: region(TIANXIN))
    uscc = factory.LazyAttributeSequence(
        lambda o, n: uscc.make(f"5{USCC_TYPE_CHAR[o.org_type]}", o.region.code[:6], f"MJ{n:06d}")
    )
    grade = "4A"
    founded_on = date(2015, 6, 1)
    description = _zh("paragraph")
    address = _zh("street_address")
    contact_name = _zh("name")
    contact_phone = factory.Sequence(lambda n: f"138{n % 100_000_000:08d}")
    verified = True
    verified_at = factory.LazyAttribute(lambda o: timezone.now() if o.verified else None)


class SocialWorkerFactory(DjangoModelFactory):
    class Meta:
        model = SocialWorker

    org = factory.SubFactory(SocialOrgFactory)
    name = _zh("name")
    certificate_level = CertificateLevel.INTERMEDIATE
    certificate_no = factory.Sequence(lambda n: f"SG2026{n:07d}")
    phone = factory.Sequence(lambda n: f"137{n % 100_000_000:08d}")


class OrgMemberFactory(DjangoModelFactory):
    class Meta:
        model = OrgMember

    user = factory.SubFactory(UserFactory)
    org = factory.SubFactory(SocialOrgFactory)
    is_admin = True


class ServiceOfferingFactory(DjangoModelFactory):
    """A published offer of a verified org serving 天心区; `service_area` takes codes or rows."""

    class Meta:
        model = ServiceOffering
        skip_postgeneration_save = True

    org = factory.SubFactory(SocialOrgFactory)
    title = factory.LazyAttributeSequence(lambda o, n: f"{o.category.name}服务{n}")
    category = factory.LazyFunction(lambda: category("elderly_meals"))
    capacity = 2
    price_min = Decimal("30000.00")
    price_max = Decimal("80000.00")
    description = _zh("paragraph")
    status = OfferingStatus.PUBLISHED
    published_at = factory.LazyAttribute(_published_at)

    class Params:
        draft = factory.Trait(status=OfferingStatus.DRAFT)

    @factory.post_generation
    def target_groups(self, create, extracted, **kwargs):
        if not create:
            return
        values = ["elderly"] if extracted is None else extracted
        self.target_groups.set([_as_target_group(v) for v in values])

    @factory.post_generation
    def service_area(self, create, extracted, **kwargs):
        if not create:
            return
        values = [TIANXIN] if extracted is None else extracted
        self.service_area.set([_as_region(v) for v in values])

    @factory.post_generation
    def workers(self, create, extracted, **kwargs):
        if create and extracted:
            self.workers.set(extracted)


class FundingResourceFactory(DjangoModelFactory):
    """A published government purchase-of-service budget of 天心区; trait `community_fund`."""

    class Meta:
        model = FundingResource
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"2026年天心区政府购买社区服务项目资金{n}")
    provider_type = ProviderType.GOVERNMENT
    provider_name = "天心区民政局"
    year = 2026
    amount = Decimal("500000.00")
    region = factory.LazyFunction(lambda: region(TIANXIN))
    community = None
    description = _zh("paragraph")
    status = ResourceStatus.PUBLISHED
    published_at = factory.LazyAttribute(_published_at)

    class Params:
        community_fund = factory.Trait(
            provider_type=ProviderType.COMMUNITY_FUND,
            name=factory.LazyAttribute(lambda o: f"{o.community.name}{o.year}年惠民项目资金"),
            provider_name="社区惠民项目资金",
            amount=Decimal("200000.00"),
            community=factory.SubFactory(CommunityFactory),
            region=factory.SelfAttribute("community.region"),
        )

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        """Category codes or rows; empty (any category eligible) by default."""
        if create and extracted:
            self.categories.set([_as_category(v) for v in extracted])


class ExpertFactory(DjangoModelFactory):
    class Meta:
        model = Expert
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    role = ExpertRole.REVIEWER
    region = factory.LazyFunction(lambda: region(CITY))
    affiliation = _zh("company")

    @factory.post_generation
    def fields(self, create, extracted, **kwargs):
        if create and extracted:
            self.fields.set([_as_category(v) for v in extracted])


class ReportFactory(DjangoModelFactory):
    """A queued handbook of 天心区 (build it with the services to get a file)."""

    class Meta:
        model = "matchmaking.Report"

    kind = "needs_handbook"
    year = 2026
    scope = factory.LazyFunction(lambda: region(TIANXIN))
    format = "pdf"


class MatchRunFactory(DjangoModelFactory):
    class Meta:
        model = "matchmaking.MatchRun"

    scope = factory.LazyFunction(lambda: region(TIANXIN))
    parameters = factory.LazyFunction(lambda: {"top_k": 10})


class MatchSuggestionFactory(DjangoModelFactory):
    """A stored suggestion pairing a need with an offer (the org follows the offer)."""

    class Meta:
        model = "matchmaking.MatchSuggestion"

    need = factory.SubFactory(ServiceNeedFactory)
    offering = factory.SubFactory(ServiceOfferingFactory)
    org = factory.LazyAttribute(lambda o: o.offering.org)
    score = 0.72
    breakdown = factory.LazyFunction(lambda: {"category": 0.2, "geography": 0.2, "text": 0.32})
    reasons = factory.LazyFunction(lambda: ["服务类别完全一致", "服务范围覆盖本区县"])
    rank = 1


class ConversationFactory(DjangoModelFactory):
    class Meta:
        model = "matchmaking.Conversation"

    need = factory.SubFactory(ServiceNeedFactory)
    org = factory.SubFactory(SocialOrgFactory)


class MessageFactory(DjangoModelFactory):
    class Meta:
        model = "matchmaking.Message"

    conversation = factory.SubFactory(ConversationFactory)
    side = "community"
    body = "您好，我们社区想了解贵机构的助餐服务。"


class ResidentDecisionFactory(DjangoModelFactory):
    """A passed meeting: 30 of 45 representatives attend, 25 vote for."""

    class Meta:
        model = "projects.ResidentDecision"

    community = factory.SubFactory(CommunityFactory)
    subject = "使用社区惠民资金购买居家养老服务"
    amount = Decimal("120000.00")
    meeting_date = date(2026, 3, 15)
    representatives_total = 45
    attendees = 30
    votes_for = 25
    votes_against = 3
    abstentions = 2


class LedgerEntryFactory(DjangoModelFactory):
    class Meta:
        model = "projects.LedgerEntry"

    resource = factory.SubFactory(FundingResourceFactory)
    kind = "commit"
    amount = Decimal("1000.00")


# --- projects (rows as they stand; tests/projects/story.py walks them through the services) ---


class ProjectFactory(DjangoModelFactory):
    """A draft open-procurement project of a community, 2026, home elderly care."""

    class Meta:
        model = "projects.Project"

    code = factory.Sequence(lambda n: f"XM2026{n:06d}")
    title = factory.Sequence(lambda n: f"居家养老上门服务项目{n}")
    description = _zh("paragraph")
    community = factory.SubFactory(CommunityFactory)
    category = factory.LazyFunction(lambda: category("elderly_meals"))
    beneficiaries = 120
    year = 2026
    budget = Decimal("80000.00")
    procurement = "open"
    period_start = date(2026, 4, 1)
    period_end = date(2026, 12, 31)


class ProjectFundingFactory(DjangoModelFactory):
    class Meta:
        model = "projects.ProjectFunding"

    project = factory.SubFactory(ProjectFactory)
    resource = factory.SubFactory(FundingResourceFactory)
    amount = factory.SelfAttribute("project.budget")


class ProjectTransitionFactory(DjangoModelFactory):
    class Meta:
        model = "projects.ProjectTransition"

    project = factory.SubFactory(ProjectFactory)
    action = "publish"
    from_status = "draft"
    to_status = "published"


class AssignmentFactory(DjangoModelFactory):
    class Meta:
        model = "projects.Assignment"

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory)
    role = ExpertRole.REVIEWER


class BidFactory(DjangoModelFactory):
    class Meta:
        model = "projects.Bid"

    project = factory.SubFactory(ProjectFactory)
    org = factory.SubFactory(SocialOrgFactory)
    amount = Decimal("75000.00")
    proposal = _zh("paragraph")


class ReviewFactory(DjangoModelFactory):
    class Meta:
        model = "projects.Review"

    bid = factory.SubFactory(BidFactory)
    project = factory.SelfAttribute("bid.project")
    reviewer = factory.SubFactory(UserFactory)
    capacity = 80
    plan = 80
    budget = 80
    track_record = 80
    total = Decimal("80.00")


class SupervisionVisitFactory(DjangoModelFactory):
    class Meta:
        model = "projects.SupervisionVisit"

    project = factory.SubFactory(ProjectFactory)
    supervisor = factory.SubFactory(UserFactory)
    visited_on = date(2026, 6, 1)
    findings = _zh("paragraph")
    rating = 4


class ProgressReportFactory(DjangoModelFactory):
    class Meta:
        model = "projects.ProgressReport"

    project = factory.SubFactory(ProjectFactory)
    org = factory.SubFactory(SocialOrgFactory)
    period_end = date(2026, 6, 30)
    summary = _zh("paragraph")
    beneficiaries_served = 60


class AcceptanceFactory(DjangoModelFactory):
    class Meta:
        model = "projects.Acceptance"

    project = factory.SubFactory(ProjectFactory)
    result = "pass"
    score = 88


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = "projects.Notification"

    user = factory.SubFactory(UserFactory)
    kind = "assigned"
    project = factory.SubFactory(ProjectFactory)


# --- fairs ----------------------------------------------------------------------------------


class FairFactory(DjangoModelFactory):
    """The city's yearly supply–demand matchmaking fair."""

    class Meta:
        model = "projects.Fair"

    name = factory.Sequence(lambda n: f"2026年长沙市社区服务供需对接会{n}")
    year = 2026
    held_on = date(2026, 5, 20)
    venue = "长沙市民之家"
    region = factory.LazyFunction(lambda: region(CITY))


class FairRegistrationFactory(DjangoModelFactory):
    """A community's registration (pass `street=` or `org=` with `community=None`)."""

    class Meta:
        model = "projects.FairRegistration"

    fair = factory.SubFactory(FairFactory)
    community = factory.SubFactory(CommunityFactory)


class IntentionFactory(DjangoModelFactory):
    """A signed intention (the registrations are not made: use the services for the rules)."""

    class Meta:
        model = "projects.Intention"

    fair = factory.SubFactory(FairFactory)
    community = factory.SubFactory(CommunityFactory)
    org = factory.SubFactory(SocialOrgFactory)
    title = factory.Sequence(lambda n: f"意向项目{n}")
    amount = Decimal("60000.00")
    signed_at = factory.LazyFunction(timezone.now)
