"""What the stage reads: the year's published money (`Purse`), the organizations that may bid
(`Orgs`), and the district budgets of the year before."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import ROUND_DOWN, Decimal

from simple_history.utils import bulk_create_with_history

from communities.models import Community, ServiceCategory
from core import regions
from orgs.models import ServiceOffering, SocialOrg, SocialWorker
from projects.choices import ProviderType, ResourceStatus
from projects.models import FundingResource

from ..context import CITY_CODE, SHANGHAI, SeedContext


def _round(amount: Decimal | float, unit: int = 100) -> Decimal:
    return (Decimal(str(amount)) / unit).quantize(Decimal(1), ROUND_DOWN) * unit


class Purse:
    """The published resources of a year, with what the plan has spent of each so far.

    Counted from the full amounts, not from what the database says is left, so the plan is the
    same on every run (the services would refuse a commit the ledger cannot cover)."""

    def __init__(self, resources: list[FundingResource]):
        self.funds = {r.community_id: r for r in resources if r.community_id is not None}
        self.others = [r for r in resources if r.community_id is None]
        self.left = {r.pk: r.amount for r in resources}
        self.categories = {r.pk: {c.pk for c in r.categories.all()} for r in self.others}

    @staticmethod
    def kind(resource: FundingResource) -> str:
        if resource.provider_type == ProviderType.COMMUNITY_FUND:
            return "fund"
        if resource.provider_type == ProviderType.GOVERNMENT:
            return "city" if resource.region_id == CITY_CODE else "district"
        return resource.provider_type  # charity, enterprise, foundation

    def find(self, kind: str, community: Community, category: ServiceCategory, amount: Decimal):
        if kind == "fund":
            fund = self.funds.get(community.pk)
            return fund if fund is not None and self.left[fund.pk] >= amount else None
        wanted = {category.pk, category.parent_id} - {None}
        for resource in self.others:
            eligible = self.categories[resource.pk]
            if (
                self.kind(resource) == kind
                and regions.is_within(community.region_id, resource.region_id)
                and (not eligible or eligible & wanted)
                and self.left[resource.pk] >= amount
            ):
                return resource
        return None

    def take(self, lines, community: Community, category: ServiceCategory):
        """Resources for [(kind, amount)] lines, or None when one of them cannot be paid."""
        found: list[tuple[FundingResource, Decimal]] = []
        for kind, amount in lines:
            resource = self.find(kind, community, category, Decimal(amount))
            if resource is None or any(r.pk == resource.pk for r, _ in found):
                return None
            found.append((resource, Decimal(amount)))
        for resource, amount in found:
            self.left[resource.pk] -= amount
        return found


@dataclass
class Orgs:
    """Verified organizations that may bid, where they work and what they offer."""

    by_id: dict[int, SocialOrg]
    by_name: dict[str, SocialOrg]
    parents: dict[int, set[int]]  # org id → parent category ids of its published offerings
    workers: dict[int, list[int]]  # org id → worker ids
    _near: dict = field(default_factory=dict)

    def near(self, community: Community, category: ServiceCategory):
        """(those offering the category's field, all) of the organizations registered in the
        community's district or with the city."""
        district = community.region_id[:6]
        parent = category.parent_id or category.pk
        key = (district, parent)
        if key not in self._near:
            local = [
                o
                for o in self.by_id.values()
                if o.region_id.startswith(district) or o.region_id == CITY_CODE
            ]
            fitting = [o for o in local if parent in self.parents.get(o.pk, ())]
            self._near[key] = (fitting, local)
        return self._near[key]


def _orgs() -> Orgs:
    orgs = SocialOrg.objects.filter(verified=True).only(
        "id", "name", "uscc", "region_id", "verified"
    )
    by_id = {o.pk: o for o in orgs.order_by("id")}
    parents: dict[int, set[int]] = defaultdict(set)
    offered = ServiceOffering.objects.filter(status="published").values_list(
        "org_id", "category_id", "category__parent_id"
    )
    for org_id, category_id, parent_id in offered:
        parents[org_id].add(parent_id or category_id)
    workers: dict[int, list[int]] = defaultdict(list)
    for worker_id, org_id in SocialWorker.objects.order_by("id").values_list("id", "org_id"):
        workers[org_id].append(worker_id)
    return Orgs(by_id, {o.name: o for o in by_id.values()}, parents, workers)


def _previous_year_budgets(ctx: SeedContext) -> int:
    """District budgets of the year before, which paid for the track-record projects."""
    rng = ctx.stream("projects:previous-budgets")
    year = ctx.year - 1
    stored = set(FundingResource.objects.filter(year=year).values_list("name", flat=True))
    new = []
    for district in ctx.districts:
        amount = Decimal(rng.randrange(10, 31) * 100_000)
        name = f"{district.name}{year}年“三社联动”项目资金"
        if name in stored:
            continue
        new.append(
            FundingResource(
                name=name,
                provider_type=ProviderType.GOVERNMENT,
                provider_name=f"{district.name}民政局",
                year=year,
                amount=amount,
                region_id=district.code,
                description=f"{district.name}财政安排的政府购买社区服务资金。",
                status=ResourceStatus.PUBLISHED,
                published_at=datetime.combine(date(year, 1, 10), time(10), SHANGHAI),
            )
        )
    bulk_create_with_history(new, FundingResource, default_change_reason="seed_demo")
    return len(new)
