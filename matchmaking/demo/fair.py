"""The seed year's city matchmaking fair (供需对接会), held through the services: 天心区's
streets and communities and the organizations the engine suggests for them registered (and
星辰), resources published at the fair, intention projects signed on the day (one of
木莲社区's converted into a draft), after a matching run over 城南路街道 whose pairs the fair's
page shows as whom to meet."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Max, Q
from django.utils import timezone

from accounts.models import User
from communities.choices import NeedStatus, RegionLevel
from communities.models import Community, Region, ServiceNeed
from matchmaking.models import MatchSuggestion
from orgs.choices import OfferingStatus
from orgs.models import ServiceOffering, SocialOrg
from projects import services
from projects.choices import ProviderType
from projects.models import Fair

from .context import CITY_CODE, SHANGHAI, SeedContext
from .organizations import TIANXIN, XINGCHEN
from .walk import Clock

CHENGNANLU = "430103004000"  # 城南路街道, 木莲社区's street
ORGS_AT_THE_FAIR = 40
INTENTIONS = 24
FAIR_RESOURCES = (
    ("天心区民政局", ProviderType.GOVERNMENT, Decimal("3000000.00"), "政府购买社区服务专项资金"),
    ("天心区慈善会", ProviderType.CHARITY, Decimal("800000.00"), "慈善助老助残资金"),
    ("湖南某爱心企业", ProviderType.ENTERPRISE, Decimal("500000.00"), "爱心企业社区公益资金"),
)


def fair_name(year: int) -> str:
    return f"{year}年长沙市社区服务供需对接会"


def seed_fair(ctx: SeedContext) -> Fair | None:
    """Idempotent: a fair of that name and year already there is left as it is.

    Runs on the walk's simulated clock (registrations the week before, signing on the day)
    when the fair's day has passed; a fair still to come is seeded at the real time."""
    name = fair_name(ctx.year)
    if Fair.objects.filter(name=name, year=ctx.year).exists():
        return None
    clock = Clock()
    clock.at = datetime(ctx.year, 5, 13, 9, 0, tzinfo=SHANGHAI)
    if clock.at >= timezone.now():
        return _seed(ctx, name, None)
    with clock.running():
        return _seed(ctx, name, clock)


def _seed(ctx: SeedContext, name: str, clock: Clock | None) -> Fair:
    official = User.objects.get(username="official_city")
    staff = User.objects.get(username="staff_mulian")
    tianxin = Region.objects.get(code=TIANXIN)
    fair = services.fair_create(
        actor=official,
        name=name,
        year=ctx.year,
        held_on=date(ctx.year, 5, 20),
        venue="长沙市民之家",
        region=Region.objects.get(code=CITY_CODE),
    )
    prefix = TIANXIN[:6]
    streets = Region.objects.filter(level=RegionLevel.STREET, code__startswith=prefix)
    for street in streets.order_by("code")[:3]:
        services.registration_add(actor=official, fair=fair, street=street)
    communities = list(Community.objects.filter(region__code__startswith=prefix).order_by("region"))
    for community in communities:
        services.registration_add(actor=official, fair=fair, community=community)
    # The organizations the matching engine suggests for these communities come, and 星辰.
    _match(ctx)
    suggested = (
        MatchSuggestion.objects.filter(need__community__in=communities)
        .values("org_id")
        .annotate(best=Max("score"))
        .order_by("-best", "org_id")
        .values_list("org_id", flat=True)
    )
    wanted = list(suggested[:ORGS_AT_THE_FAIR])
    orgs = list(SocialOrg.objects.filter(Q(pk__in=wanted) | Q(name=XINGCHEN)).order_by("name"))
    for org in orgs:
        services.registration_add(actor=official, fair=fair, org=org)
    for provider, kind, amount, title in FAIR_RESOURCES:
        services.resource_create(
            actor=official,
            name=f"{ctx.year}年{provider}{title}（对接会发布）",
            provider_type=kind,
            provider_name=provider,
            year=ctx.year,
            amount=amount,
            region=tianxin,
            publish=True,
            fair=fair,
        )
    if clock is not None:
        clock.at = datetime(ctx.year, 5, 20, 9, 30, tzinfo=SHANGHAI)
    _sign(ctx, fair, official, staff, communities, orgs, clock)
    ctx.log(
        f"fair: {fair.name}, {len(communities)} communities, {len(orgs)} organizations, "
        f"{fair.intentions.count()} intentions"
    )
    return fair


def _sign(ctx, fair, official, staff, communities, orgs, clock) -> None:
    """Pair open needs of the registered communities with a registered organization offering
    the same kind of service; 木莲社区's first intention becomes a project draft."""
    offers = {}
    for offer in ServiceOffering.objects.filter(
        org__in=orgs, status=OfferingStatus.PUBLISHED
    ).select_related("category"):
        root = offer.category.parent_id or offer.category_id
        offers.setdefault(root, []).append(offer)
    needs = (
        ServiceNeed.objects.filter(
            community__in=communities, status__in=(NeedStatus.PUBLISHED, NeedStatus.MATCHED)
        )
        .select_related("category", "community")
        .order_by("-community__name", "id")  # 木莲社区 sorts early in reverse pinyin-less order
    )
    mulian = [n for n in needs if n.community.name == "木莲社区"]
    chosen = (mulian[:1] + [n for n in needs if n not in mulian[:1]])[: INTENTIONS * 3]
    signed = 0
    for index, need in enumerate(chosen):
        root = need.category.parent_id or need.category_id
        candidates = offers.get(root)
        if not candidates and need.community.name == "木莲社区":
            # 木莲社区 always signs one, with whoever came (the demo login converts it).
            candidates = [offer for group in offers.values() for offer in group]
        if not candidates:
            continue
        offer = candidates[index % len(candidates)]
        if clock is not None:
            clock.at += timedelta(minutes=7)
        intention = services.intention_sign(
            actor=official,
            fair=fair,
            community=need.community,
            org=offer.org,
            amount=need.budget,
            need=need,
            offer=offer,
        )
        if signed == 0 and need.community.name == "木莲社区":
            services.intention_convert(actor=staff, intention=intention)
        signed += 1
        if signed >= INTENTIONS:
            break


def _match(ctx) -> None:
    from matchmaking.services import match_run_execute, match_run_start

    scope = Region.objects.filter(code=CHENGNANLU).first()
    if scope is None:
        return
    run = match_run_start(actor=None, scope=scope, enqueue=False)
    match_run_execute(run.pk)
