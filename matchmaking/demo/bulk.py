"""The large data set: `seed_demo --scale large` adds 100,000 projects to the city seed.

It exists to measure the dashboard and the rankings at the size of a city's records over three
years (`manage.py bench_dashboard`, docs/performance.md). The city seed walks each project
through the services at ~0.1 s apiece, ~20 queries each: 100,000 that way would take hours.
Here the same rows are planned in Python and written in bulk — COPY on PostgreSQL,
bulk_create elsewhere (_insert) — a batch of BATCH projects with their children per
transaction.

The rows obey the invariants the services keep, which `manage.py check_ledger` verifies
(projects/audit.py) and tests/matchmaking/test_seed_large.py runs on a small set:

- funding lines add up to the budget; a published project has committed every line in full
  (one `commit` ledger entry per line at its publication); an award below the budget releases
  the excess from the last line first; acceptance pays out everything still outstanding (so
  the disbursed total is the contract amount); a failed or cancelled project releases what is
  still reserved. Each of these moves is a LedgerEntry of the project, and the resource's running
  `committed` / `disbursed` totals move by the batch's sums in the same transaction (under a row
  lock, as the services take it), so committed = Σ commit − Σ release and disbursed =
  Σ disburse hold after every batch;
- the transition log follows the table in projects/choices.py from `create` to the current
  state, in time order; the dates on the project (published_at, awarded_at, started_at,
  final_report_at, closed_at) are those of the matching transitions;
- bids (one to three) come from distinct verified organizations of the community's district or
  of the city; the award goes to the best-reviewed bid (two assigned reviewers score every bid)
  and the others lose; completed projects have at least one supervision visit, monthly progress
  reports from the awarded organization and a passing acceptance; rectification follows a first
  failed acceptance, a second one fails the project; nothing is dated after today.

What it leaves out, as the benchmark does not read it: notifications, bid teams, the community
benefit fund (whose lines need a residents' decision; these projects are paid from dedicated
district, city, charity and enterprise resources created here, sized to what the projects
commit) and who performed each step (`by` is empty, as for a step the beat performs).

Deterministic: project i is drawn from a random stream of its own (seed + i), so its content
does not depend on how many projects are asked for or on what the database holds; only its
dates do, on the day it runs (the current year's projects end by today), as for the city seed
— and, run after the year is over, that year's projects are drawn in the states of a past year.
Idempotent: a project is recognised by its code XM<year>B<i> and a resource by name and year;
a rerun adds nothing, one asking for more projects adds only those, tops the resources up if
needed, and one interrupted resumes where it stopped (each batch is one transaction).
Memory: one batch at a time, and the project numbers of each year (an array of ints).
"""

import math
import random
import time as time_
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, Decimal

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from communities.models import Community, Official, Region, ServiceCategory, ServiceNeed
from orgs.models import SocialOrg
from projects.choices import (
    AcceptanceResult,
    BidStatus,
    ExpertRole,
    LedgerKind,
    ProjectStatus,
    ProviderType,
    ResourceStatus,
)
from projects.models import (
    Acceptance,
    Assignment,
    Bid,
    Expert,
    FundingResource,
    LedgerEntry,
    ProgressReport,
    Project,
    ProjectFunding,
    ProjectTransition,
    Review,
    SupervisionVisit,
)
from projects.services import review_total

from .context import CITY_CODE, SEED, SHANGHAI
from .offerings import PARENT_WEIGHTS
from .texts import CATEGORY_TEXTS
from .vocabulary import BRANDS

S = ProjectStatus
DEFAULT_PROJECTS = 100_000
BATCH = 1000  # projects per transaction (≈ 25,000 rows with their children)
INSERT_BATCH = 2000  # rows per INSERT statement
CHANGE_REASON = "seed_demo --scale large"
ZERO = Decimal("0.00")

# Which of the three years a project belongs to (later years hold more work).
YEAR_WEIGHTS = (30, 33, 37)
# States of the current year's projects (as the city seed spreads them) and of earlier years'
# (mostly closed; a few still delivering or waiting for acceptance, which the overdue lists show).
CURRENT_STATES = {
    S.COMPLETED: 34,
    S.IN_PROGRESS: 26,
    S.ACCEPTANCE: 6,
    S.RECTIFICATION: 2,
    S.AWARDED: 5,
    S.REVIEWING: 6,
    S.PUBLISHED: 9,
    S.DRAFT: 4,
    S.FAILED: 4,
    S.CANCELLED: 4,
}
PAST_STATES = {
    S.COMPLETED: 72,
    S.FAILED: 8,
    S.CANCELLED: 8,
    S.IN_PROGRESS: 4,
    S.ACCEPTANCE: 3,
    S.RECTIFICATION: 3,
    S.AWARDED: 2,
}
# Who pays (a second line from the district tops up a share of the others).
PAYERS = {"district": 60, "city": 15, "charity": 15, "enterprise": 10}
CANCELLED_FROM = {S.DRAFT: 20, S.PUBLISHED: 25, S.REVIEWING: 20, S.AWARDED: 15, S.IN_PROGRESS: 20}
ORDER = (S.DRAFT, S.PUBLISHED, S.REVIEWING, S.AWARDED, S.IN_PROGRESS, S.ACCEPTANCE)

PROPOSAL = (
    "{org}组建项目团队，按照“需求评估—方案设计—服务实施—成效评估”推进，计划服务{n}人，"
    "每月开展小组或社区活动不少于{events}场。"
)
REPORT = "本期开展主题活动{events}场，入户走访{homes}户，服务{served}人次。"
FINDINGS = {
    5: "服务记录完整规范，活动开展扎实，居民反馈积极。",
    4: "服务按计划推进，台账基本齐全；建议加强成效评估。",
    3: "服务进度略滞后于计划，建议调整排期并增加入户频次。",
}
FINAL_REPORT = "项目周期内共开展各类活动{events}场，服务{served}人次，居民满意度{sat}%，申请验收。"
ACCEPTED_COMMENTS = "服务目标完成，资金使用规范，同意通过验收。"
FAIL_COMMENTS = "服务台账不完整，服务人次未达到合同约定，请限期整改。"
FAIL_FINAL_COMMENTS = "整改后仍未达到合同约定，验收不通过，未支付资金退回原渠道。"
CANCEL_REASON = "经社区与街道协商，项目无法按期实施，决定取消，剩余资金退回。"
LARGE_NOTE = "（规模演示数据：seed_demo --scale large）"


# --- what the generator reads ---------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A community, with what the titles and the bidders depend on."""

    id: int
    region_id: str
    name: str
    values: dict  # for the title templates


@dataclass
class World:
    """Everything a plan reads, loaded once: communities, categories, people, resources."""

    years: tuple[int, ...]
    current_year: int
    now: datetime
    places: list[Place]
    parents: list[str]  # root category codes with templates, and their weights
    parent_weights: list[int]
    leaves: dict[str, list[ServiceCategory]]  # root code → categories with title templates
    orgs: dict[str, list[int]]  # district prefix → verified organizations there or city-wide
    reviewers: list[int]
    supervisors: list[int]
    officials: dict[str, int | None]  # district prefix → an official's user id
    needs: dict[int, list[tuple[int, datetime, int]]]  # community → (need, published, category)
    district_names: dict[str, str]
    resources: dict[tuple, int] = field(default_factory=dict)  # resource key → id

    def window(self, year: int) -> tuple[datetime, datetime]:
        """From early January to today (or the end of a year that is over)."""
        today = timezone.localtime(self.now, SHANGHAI).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        horizon = min(today, datetime(year + 1, 1, 1, tzinfo=SHANGHAI))
        earliest = datetime(year, 1, 4, 9, tzinfo=SHANGHAI)
        if horizon - earliest < timedelta(days=120):
            # Early in the year: the story starts in the year before (as walk.Window does).
            earliest = horizon - timedelta(days=330)
        return earliest, horizon


def _world(years: tuple[int, ...], now: datetime) -> World:
    communities = list(
        Community.objects.filter(region__code__startswith=CITY_CODE[:4])
        .order_by("region_id")
        .values_list("id", "region_id", "name", "elderly", "disabled", "households")
    )
    if not communities:
        raise RuntimeError("No communities: run `manage.py seed_demo` first.")
    streets = dict(
        Region.objects.filter(code__startswith=CITY_CODE[:4], level="street").values_list(
            "code", "name"
        )
    )
    places = [
        Place(
            id=pk,
            region_id=code,
            name=name,
            values={
                "community": name,
                "street": streets.get(code[:9] + "000", ""),
                "elderly": elderly,
                "disabled": disabled,
                "households": households,
            },
        )
        for pk, code, name, elderly, disabled, households in communities
    ]
    categories = list(
        ServiceCategory.objects.select_related("parent").order_by("sort_order", "code")
    )
    leaves: dict[str, list[ServiceCategory]] = defaultdict(list)
    for category in categories:
        if category.code in CATEGORY_TEXTS:
            root = category.parent.code if category.parent_id else category.code
            leaves[root].append(category)
    parents = [p for p in PARENT_WEIGHTS if leaves.get(p)]
    districts = dict(
        Region.objects.filter(code__startswith=CITY_CODE[:4], level="district").values_list(
            "code", "name"
        )
    )
    city_orgs, by_district = [], defaultdict(list)
    for pk, region in (
        SocialOrg.objects.filter(verified=True, region__code__startswith=CITY_CODE[:4])
        .order_by("id")
        .values_list("id", "region_id")
    ):
        if region == CITY_CODE:
            city_orgs.append(pk)
        else:
            by_district[region[:6]].append(pk)
    orgs = {code[:6]: by_district[code[:6]] + city_orgs for code in districts}
    experts = defaultdict(list)
    for user, role in Expert.objects.order_by("user_id").values_list("user_id", "role"):
        experts[role].append(user)
    if len(experts[ExpertRole.REVIEWER]) < 2 or not experts[ExpertRole.SUPERVISOR]:
        raise RuntimeError("No expert pool: run `manage.py seed_demo` first.")
    officials: dict[str, int | None] = {}
    for user, region in Official.objects.order_by("id").values_list("user_id", "region_id"):
        if region in districts:
            officials.setdefault(region[:6], user)
    needs = defaultdict(list)
    for pk, community, published, category in (
        ServiceNeed.objects.exclude(status="draft")
        .filter(published_at__isnull=False)
        .order_by("id")
        .values_list("id", "community_id", "published_at", "category_id")
    ):
        needs[community].append((pk, published, category))
    return World(
        years=years,
        current_year=timezone.localdate(now, SHANGHAI).year,
        now=now,
        places=places,
        parents=parents,
        parent_weights=[PARENT_WEIGHTS[p] for p in parents],
        leaves=dict(leaves),
        orgs=orgs,
        reviewers=experts[ExpertRole.REVIEWER],
        supervisors=experts[ExpertRole.SUPERVISOR],
        officials=officials,
        needs=dict(needs),
        district_names={code[:6]: name for code, name in districts.items()},
    )


# --- resources ------------------------------------------------------------------------------


def _resource_fields(key: tuple, world: World) -> dict:
    kind, year = key[0], key[1]
    city = "长沙市"
    if kind == "district":
        district = world.district_names[key[2]]
        return {
            "name": f"{district}{year}年政府购买社区服务项目资金",
            "provider_type": ProviderType.GOVERNMENT,
            "provider_name": f"{district}民政局",
            "region_id": key[2].ljust(12, "0"),
        }
    return {
        "city": {
            "name": f"{city}{year}年社区服务项目专项资金",
            "provider_type": ProviderType.GOVERNMENT,
            "provider_name": f"{city}民政局",
            "region_id": CITY_CODE,
        },
        "charity": {
            "name": f"{city}慈善会{year}年“三社联动”专项募捐",
            "provider_type": ProviderType.CHARITY,
            "provider_name": f"{city}慈善会",
            "region_id": CITY_CODE,
        },
        "enterprise": {
            "name": f"{city}爱心企业{year}年“三社联动”联合捐赠",
            "provider_type": ProviderType.ENTERPRISE,
            "provider_name": f"{city}企业联合会",
            "region_id": CITY_CODE,
        },
    }[kind]


def _ensure_resources(world: World, needed: dict[tuple, Decimal], log) -> tuple[int, int]:
    """Create the resources the projects draw on, each sized to what they commit plus a
    tenth, or top up one a smaller run created (a saved change, so its history records it)."""
    created = topped = 0
    for key in sorted(needed):
        amount = Decimal(math.ceil(needed[key] * Decimal("1.1") / 100_000) * 100_000)
        amount = max(amount, Decimal(100_000))
        fields = _resource_fields(key, world)
        year = key[1]
        resource = FundingResource.objects.filter(name=fields["name"], year=year).first()
        if resource is None:
            resource = FundingResource(
                year=year,
                amount=amount,
                status=ResourceStatus.PUBLISHED,
                published_at=datetime(year, 1, 6, 10, tzinfo=SHANGHAI),
                description=f"用于“三社联动”社区服务项目。{LARGE_NOTE}",
                **fields,
            )
            resource._change_reason = CHANGE_REASON
            resource.save()
            created += 1
        elif resource.amount < amount:
            resource.amount = amount
            resource._change_reason = CHANGE_REASON
            resource.save(update_fields=["amount", "updated_at"])
            topped += 1
        world.resources[key] = resource.pk
    return created, topped


# --- one project ----------------------------------------------------------------------------


@dataclass
class Identity:
    """What project i is: drawn first from its stream, so sizing the resources reads only this."""

    index: int
    year: int
    place: Place
    state: str
    cancel_from: str | None
    failed_in_bidding: bool
    rectified: bool  # went through rectification (completed, failed at acceptance)
    root: str
    budget: Decimal
    lines: list[tuple[tuple, Decimal]]  # (resource key, amount)
    rng: random.Random

    @property
    def code(self) -> str:
        return f"XM{self.year}B{self.index:06d}"

    @property
    def commits(self) -> bool:
        """Published at some point, so every line was committed."""
        return self.state != S.DRAFT and self.cancel_from != S.DRAFT


def _hundreds(value) -> Decimal:
    return (Decimal(str(value)) / 100).quantize(Decimal(1), ROUND_DOWN) * 100


def identity(index: int, world: World) -> Identity:
    r = random.Random(f"{SEED}:large:{index}")  # noqa: S311 - demo data
    year = r.choices(world.years, YEAR_WEIGHTS[-len(world.years) :])[0]
    place = world.places[r.randrange(len(world.places))]
    weights = CURRENT_STATES if year >= world.current_year else PAST_STATES
    state = r.choices(list(weights), list(weights.values()))[0]
    cancel_from = (
        r.choices(list(CANCELLED_FROM), list(CANCELLED_FROM.values()))[0]
        if state == S.CANCELLED
        else None
    )
    failed_in_bidding = state == S.FAILED and r.random() < 0.6
    rectified = (state == S.FAILED and not failed_in_bidding) or (
        state == S.COMPLETED and r.random() < 0.1
    )
    root = r.choices(world.parents, world.parent_weights)[0]
    budget = Decimal(r.randrange(20, 121) * 1000)
    payer = r.choices(list(PAYERS), list(PAYERS.values()))[0]
    district = ("district", year, place.region_id[:6])
    if payer == "district":
        lines = [(district, budget)]
    elif r.random() < 0.3:
        share = _hundreds(budget * Decimal(r.uniform(0.3, 0.7)))
        lines = [((payer, year), budget - share), (district, share)]
    else:
        lines = [((payer, year), budget)]
    return Identity(
        index, year, place, state, cancel_from, failed_in_bidding, rectified, root, budget, lines, r
    )


@dataclass
class Rows:
    """A batch's rows as column values by attribute name (plain dicts: instantiating 25,000
    models per batch would cost more than inserting them). Bids get their keys once planned;
    the awards and the reviews point at the bid dicts until then."""

    projects: list = field(default_factory=list)
    history_dates: list = field(default_factory=list)  # the projects' last moves
    funding: list = field(default_factory=list)
    transitions: list = field(default_factory=list)
    ledger: list = field(default_factory=list)
    bids: list = field(default_factory=list)
    winners: list = field(default_factory=list)  # (project, its awarded bid)
    reviews: list = field(default_factory=list)  # (review, the bid it scores)
    assignments: list = field(default_factory=list)
    visits: list = field(default_factory=list)
    reports: list = field(default_factory=list)
    acceptances: list = field(default_factory=list)
    moves: dict = field(default_factory=lambda: defaultdict(lambda: [ZERO, ZERO, ZERO]))


class Timeline:
    """Offsets in days from the project's creation, placed in the year's window at the end."""

    def __init__(self):
        self.events: list[tuple[str, float]] = [("create", 0.0)]
        self.last = 0.0

    def after(self, name: str, gap: float) -> float:
        self.last += gap
        self.events.append((name, self.last))
        return self.last


def _moment(start: datetime, days: float) -> datetime:
    return (start + timedelta(days=days)).replace(second=0, microsecond=0)


def _outstanding(line: dict) -> Decimal:
    return line["committed"] - line["released"] - line["disbursed"]


def plan(ident: Identity, world: World, rows: Rows, pk: int) -> None:
    """Every row of project `ident` (primary key `pk`), appended to `rows` (unsaved)."""
    r = ident.rng  # continues the identity's stream: content
    d = random.Random(f"{SEED}:large:{ident.index}:dates")  # noqa: S311 - demo data
    state, year, place = ident.state, ident.year, ident.place
    reach = ident.cancel_from or {
        S.COMPLETED: S.ACCEPTANCE,
        S.RECTIFICATION: S.ACCEPTANCE,
        S.FAILED: S.PUBLISHED if ident.failed_in_bidding else S.ACCEPTANCE,
    }.get(state, state)

    def upto(stage: str) -> bool:
        return ORDER.index(reach) >= ORDER.index(stage)

    category = r.choice(world.leaves[ident.root])
    texts = CATEGORY_TEXTS[category.code]
    values = {**place.values, "brand": r.choice(BRANDS), "n": r.randint(40, 300)}
    title = r.choice(texts.need_titles).format_map(values)
    beneficiaries = r.randint(40, 400)
    bidders = 0 if ident.failed_in_bidding else r.randint(1, 3)
    pool = world.orgs.get(place.region_id[:6]) or []
    bidders = min(bidders, len(pool))
    if upto(S.PUBLISHED) and not bidders and not ident.failed_in_bidding:
        # No organization may bid here: the bidding failed.
        state, reach, ident.failed_in_bidding, ident.rectified = S.FAILED, S.PUBLISHED, True, False
        ident.cancel_from = None
    orgs = r.sample(pool, bidders) if bidders else []
    winner = r.randrange(bidders) if bidders else 0
    top = r.randint(84, 93)
    quality = [top if i == winner else top - r.randint(8, 22) for i in range(bidders)]
    amounts = [_hundreds(ident.budget * Decimal(r.uniform(0.86, 1.0))) for _ in range(bidders)]
    reviewers = r.sample(world.reviewers, 2)
    supervisor = r.choice(world.supervisors)

    # --- when: the chain of steps up to the current state, in days from the draft -----------
    t = Timeline()
    bid_at: list[float] = []
    review_at: list[tuple[int, int, float]] = []
    if upto(S.PUBLISHED):
        publish = t.after("publish", d.uniform(3, 12))
        window = d.uniform(14, 25)
        bid_at = sorted(publish + d.uniform(0.5, window - 1) for _ in range(bidders))
        if state == S.PUBLISHED:
            bid_at = bid_at[: d.randint(0, bidders)]
        elif ident.cancel_from == S.PUBLISHED:
            bid_at = [b for b in bid_at if b < publish + window / 2]
            t.after("cancel", window / 2 + d.uniform(0, 2))
        else:
            t.after("close", window + d.uniform(0.01, 0.3))
    if upto(S.REVIEWING) and ident.cancel_from != S.PUBLISHED:
        close = t.last
        for who in range(2):
            for i in range(bidders):
                review_at.append((who, i, close + d.uniform(0.3, 6)))
        if state == S.REVIEWING or ident.cancel_from == S.REVIEWING:
            review_at = [x for x in review_at if d.random() < 0.6]
    if upto(S.AWARDED) and ident.cancel_from != S.REVIEWING:
        t.after("award", max((x[2] for x in review_at), default=t.last) - t.last + d.uniform(1, 5))
    delivery_days = d.uniform(60, 150)
    if upto(S.IN_PROGRESS) and ident.cancel_from != S.AWARDED:
        t.after("start", d.uniform(2, 10))
        if ident.cancel_from == S.IN_PROGRESS:
            t.after("cancel", d.uniform(20, 60))
        elif state != S.IN_PROGRESS:
            t.after("final", delivery_days)
            if state in (S.COMPLETED, S.RECTIFICATION, S.FAILED):
                t.after("accept", d.uniform(5, 20))
                if ident.rectified and state != S.RECTIFICATION:
                    t.after("final2", d.uniform(10, 25))
                    t.after("accept2", d.uniform(5, 15))
    if ident.cancel_from == S.REVIEWING:  # after the reviews that came in
        t.after(
            "cancel", max((x[2] for x in review_at), default=t.last) - t.last + d.uniform(1, 15)
        )
    elif ident.cancel_from in (S.DRAFT, S.AWARDED):
        t.after("cancel", d.uniform(1, 15))
    if ident.failed_in_bidding:
        t.events = [e if e[0] != "close" else ("fail", e[1]) for e in t.events]

    earliest, horizon = world.window(year)
    span = (horizon - earliest).total_seconds() / 86400
    recent = {
        S.DRAFT: (1, 20),
        S.PUBLISHED: (2, 8),
        S.REVIEWING: (2, 10),
        S.AWARDED: (1, 10),
        S.ACCEPTANCE: (1, 30),
        S.RECTIFICATION: (2, 30),
    }
    factor = min(1.0, (span - 46) / t.last) if t.last > 0 else 1.0
    total = t.last * factor
    if year >= world.current_year and state in recent:
        end = span - d.uniform(*recent[state])
    else:
        latest = span - (45 if state == S.IN_PROGRESS else 1)
        end = total + (latest - total) * d.random()
    start = earliest + timedelta(days=max(0.0, end - total))
    at = {name: _moment(start, offset * factor) for name, offset in t.events}

    def when(offset: float) -> datetime:
        return _moment(start, offset * factor)

    # Bids and reviews still coming in after the anchor (open for bids, under review) stop
    # at today: the rest are yet to come.
    bid_at = [b for b in bid_at if when(b) < horizon]
    review_at = [x for x in review_at if when(x[2]) < horizon]

    # The service keeps reporting until today (or the end of an earlier year, plus a little).
    stop = horizon
    if year < world.current_year:
        stop = min(horizon + timedelta(days=d.uniform(0, 40)), world.now)
    delivered_until = at.get("final", at.get("cancel", stop)) if "start" in at else None
    last_event = max(at.values())

    # --- the project --------------------------------------------------------------------------
    need_id = None
    if year >= world.current_year and r.random() < 0.4:
        free = [n for n in world.needs.get(place.id, []) if n[1] <= at["create"]]
        if free:
            need_id, _published, category_id = free[r.randrange(len(free))]
            category = next(
                (c for cs in world.leaves.values() for c in cs if c.pk == category_id), category
            )
    project = {
        "id": pk,
        "code": ident.code,
        "title": title,
        "description": texts.need_lead.format_map(values),
        "community_id": place.id,
        "need_id": need_id,
        "category_id": category.pk,
        "beneficiaries": beneficiaries,
        "year": year,
        "budget": ident.budget,
        "status": state,
        "created_at": at["create"],
        "updated_at": last_event,
    }
    if "publish" in at:
        project["published_at"] = at["publish"]
        if state == S.PUBLISHED:
            day = timezone.localdate(world.now, SHANGHAI) + timedelta(days=d.randint(5, 20))
            project["bid_deadline"] = datetime.combine(day, datetime.min.time(), SHANGHAI).replace(
                hour=17
            )
        else:
            closing = at.get("close") or at.get("fail") or at["cancel"]
            project["bid_deadline"] = closing - timedelta(minutes=d.randint(2, 60))
            if "cancel" in at and "close" not in at and "fail" not in at:
                project["bid_deadline"] = at["cancel"] + timedelta(days=d.randint(2, 10))
    if "award" in at:
        project["awarded_at"] = at["award"]
        project["contract_amount"] = amounts[winner]
        project["award_reason"] = ""
    if "start" in at:
        project["started_at"] = at["start"]
    if "final" in at:
        project["final_report"] = FINAL_REPORT.format(
            events=r.randint(20, 60), served=beneficiaries * r.randint(3, 8), sat=r.randint(91, 99)
        )
        project["final_report_at"] = at.get("final2", at["final"])
    project["rectified"] = "accept" in at and (state == S.RECTIFICATION or ident.rectified)
    scores = {
        "accept": r.randint(52, 68) if project["rectified"] else r.randint(78, 97),
        "accept2": r.randint(78, 97) if state == S.COMPLETED else r.randint(40, 58),
    }
    if state == S.COMPLETED:
        project["acceptance_score"] = scores["accept2" if "accept2" in at else "accept"]
        project["closed_at"] = at.get("accept2", at.get("accept"))
    elif state == S.FAILED:
        project["acceptance_score"] = scores["accept2"] if "accept2" in at else None
        project["closed_at"] = at.get("accept2", at.get("fail"))
    elif state == S.CANCELLED:
        project["cancel_reason"] = CANCEL_REASON
        project["closed_at"] = at["cancel"]
    # The planned service period: the delivery actually done, or planned from the deadline;
    # four in five completed projects filed their final report within it (on time, as the
    # rankings count it).
    if "start" in at:
        period_start = timezone.localdate(at["start"], SHANGHAI)
        planned = period_start + timedelta(days=int(delivery_days) + d.randint(15, 30))
    else:
        base = project.get("bid_deadline") or (at["create"] + timedelta(days=30))
        period_start = timezone.localdate(base, SHANGHAI) + timedelta(days=d.randint(10, 25))
        planned = period_start + timedelta(days=d.randint(90, 240))
    if state == S.COMPLETED:
        reported = timezone.localdate(project["final_report_at"], SHANGHAI)
        on_time = d.random() < 0.8
        planned = reported + timedelta(days=d.randint(0, 20) if on_time else -d.randint(1, 15))
    project["period_start"] = period_start
    project["period_end"] = max(period_start, planned)
    rows.projects.append(project)
    rows.history_dates.append(last_event)

    # --- the log ------------------------------------------------------------------------------
    steps = []
    status = ""
    moves = {
        "create": S.DRAFT,
        "publish": S.PUBLISHED,
        "close": S.REVIEWING,
        "fail": S.FAILED,
        "award": S.AWARDED,
        "start": S.IN_PROGRESS,
        "final": S.ACCEPTANCE,
        "final2": S.ACCEPTANCE,
        "cancel": S.CANCELLED,
    }
    for name, _offset in sorted(t.events, key=lambda e: e[1]):
        if name in ("accept", "accept2"):
            passed = state == S.COMPLETED and (name == "accept2" or not project["rectified"])
            action, target = (
                ("accept_pass", S.COMPLETED)
                if passed
                else (("accept_fail", S.RECTIFICATION) if name == "accept" else
                      ("accept_fail_final", S.FAILED))
            )  # fmt: skip
            note = f"{'Pass' if passed else 'Fail'} {scores[name]}"
        else:
            target = moves[name]
            action = {
                "close": "close_bidding",
                "fail": "fail_bidding",
                "final": "submit_final_report",
                "final2": "submit_final_report",
            }.get(name, name)
            note = {
                "close": f"{len(bid_at)} bids",
                "fail": "No valid bid by the deadline.",
                "award": "Best-reviewed bid.",
                "cancel": CANCEL_REASON,
            }.get(name, "")
        steps.append((name, action, status, target, note))
        status = target
    if status != state:  # a bug in the plan: refuse rather than write an impossible log
        raise RuntimeError(f"{ident.code}: the log ends in {status}, the project is {state}")
    for name, action, before, after, note in steps:
        rows.transitions.append(
            {
                "project_id": pk,
                "action": action,
                "from_status": before,
                "to_status": after,
                "at": at[name],
                "note": note,
            }
        )

    # --- money: every line committed at publication, then released or paid out ------------
    lines = []
    for key, amount in ident.lines:
        line = {
            "project_id": pk,
            "resource_id": world.resources[key],
            "amount": amount,
            "committed": ZERO,
            "released": ZERO,
            "disbursed": ZERO,
        }
        lines.append(line)
        rows.funding.append(line)

    def entry(line, kind, amount, moment, note=""):
        rows.ledger.append(
            {
                "resource_id": line["resource_id"],
                "kind": kind,
                "amount": amount,
                "project_id": pk,
                "reference": ident.code,
                "note": note,
                "at": moment,
            }
        )
        rows.moves[line["resource_id"]][("commit", "release", "disburse").index(kind)] += amount

    if "publish" in at:
        for line in lines:
            line["committed"] = line["amount"]
            entry(line, LedgerKind.COMMIT, line["amount"], at["publish"])
    if "award" in at:
        excess = ident.budget - project["contract_amount"]
        for line in reversed(lines):
            amount = min(excess, _outstanding(line))
            if amount > 0:
                line["released"] += amount
                excess -= amount
                entry(line, LedgerKind.RELEASE, amount, at["award"], "contract below budget")
    closing = {
        S.FAILED: ("no valid bid" if ident.failed_in_bidding else "failed acceptance"),
        S.CANCELLED: "cancelled",
    }
    if state == S.COMPLETED:
        for line in lines:
            amount = _outstanding(line)
            if amount > 0:
                line["disbursed"] += amount
                entry(line, LedgerKind.DISBURSE, amount, project.get("closed_at"))
    elif state in closing and "publish" in at:
        for line in lines:
            amount = _outstanding(line)
            if amount > 0:
                line["released"] += amount
                entry(line, LedgerKind.RELEASE, amount, project.get("closed_at"), closing[state])

    # --- bids, experts, reviews ------------------------------------------------------------
    if "publish" in at:
        assigned = at["publish"] + timedelta(hours=d.uniform(1, 48))
        for user, role in (
            (reviewers[0], ExpertRole.REVIEWER),
            (reviewers[1], ExpertRole.REVIEWER),
            (supervisor, ExpertRole.SUPERVISOR),
        ):
            rows.assignments.append(
                {
                    "project_id": pk,
                    "user_id": user,
                    "role": role,
                    "assigned_by_id": world.officials.get(place.region_id[:6]),
                    "created_at": min(assigned, last_event),
                }
            )
    bids = []
    for i, offset in enumerate(bid_at):
        status = BidStatus.SUBMITTED
        if "award" in at:
            status = BidStatus.AWARDED if i == winner else BidStatus.LOST
        moment = when(offset)
        bid = {
            "project_id": pk,
            "org_id": orgs[i],
            "amount": amounts[i],
            "proposal": PROPOSAL.format(org="本机构", n=r.randint(40, 400), events=r.randint(2, 6)),
            "status": status,
            "created_at": moment,
            "updated_at": at.get("award", moment),
        }
        bids.append(bid)
        rows.bids.append(bid)
    if "award" in at:
        rows.winners.append((project, bids[winner]))
    for who, i, offset in review_at:
        if i >= len(bids):
            continue
        marks = {
            key: max(0, min(100, quality[i] + r.randint(-3, 3)))
            for key in ("capacity", "plan", "budget", "track_record")
        }
        if i == winner:  # the winner is clearly the best: no written reason needed
            marks = {key: max(value, top) for key, value in marks.items()}
        moment = when(offset)
        review = dict(
            project_id=pk,
            reviewer_id=reviewers[who],
            total=review_total(marks),
            comments="",
            created_at=moment,
            updated_at=moment,
            **marks,
        )
        rows.reviews.append((review, bids[i]))

    # --- delivery: monthly reports, visits, acceptance ---------------------------------------
    if delivered_until is not None and orgs:
        started = at["start"]
        cursor = started + timedelta(days=d.uniform(26, 34))
        while cursor < delivered_until:
            rows.reports.append(
                {
                    "project_id": pk,
                    "org_id": orgs[winner],
                    "period_end": timezone.localdate(cursor, SHANGHAI),
                    "summary": REPORT.format(
                        events=r.randint(3, 10), homes=r.randint(10, 60), served=r.randint(20, 200)
                    ),
                    "beneficiaries_served": max(5, beneficiaries * r.randint(40, 120) // 100),
                    "created_at": cursor,
                    "updated_at": cursor,
                }
            )
            cursor += timedelta(days=d.uniform(27, 33))
        visits = []
        cursor = started + timedelta(days=d.uniform(15, 30))
        while cursor < delivered_until:
            visits.append(cursor)
            cursor += timedelta(days=d.uniform(40, 65))
        if not visits and "final" in at:  # acceptance needs a visit
            visits.append(started + (at["final"] - started) * 0.8)
        for moment in visits:
            rating = r.choices((5, 4, 3), (35, 50, 15))[0]
            rows.visits.append(
                {
                    "project_id": pk,
                    "supervisor_id": supervisor,
                    "visited_on": timezone.localdate(moment, SHANGHAI),
                    "findings": FINDINGS[rating],
                    "rating": rating,
                    "created_at": moment,
                    "updated_at": moment,
                }
            )
    for name in ("accept", "accept2"):
        if name in at:
            passed = state == S.COMPLETED and (name == "accept2" or not project["rectified"])
            comments = ACCEPTED_COMMENTS if passed else FAIL_COMMENTS
            if name == "accept2" and not passed:
                comments = FAIL_FINAL_COMMENTS
            rows.acceptances.append(
                {
                    "project_id": pk,
                    "result": AcceptanceResult.PASS if passed else AcceptanceResult.FAIL,
                    "score": scores[name],
                    "comments": comments,
                    "by_id": world.officials.get(place.region_id[:6]),
                    "created_at": at[name],
                    "updated_at": at[name],
                }
            )


# --- writing --------------------------------------------------------------------------------

STAMPED = (
    Project,
    Bid,
    Review,
    SupervisionVisit,
    ProgressReport,
    Acceptance,
    ProjectTransition,
    LedgerEntry,
    Assignment,
)


@contextmanager
def dated_by_hand(models=STAMPED) -> Iterator[None]:
    """Let the planned dates through: auto_now / auto_now_add would stamp every row with the
    moment of the insert (the city seed runs a simulated clock for the same reason)."""
    fields = [
        f
        for model in models
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def allocate(model, count: int) -> list[int]:
    """`count` primary keys of `model` handed out in advance, so a batch's rows can name each
    other before any is inserted (children their project, the project its awarded bid, a review
    its bid). Call inside the batch's transaction: on SQLite the write lock taken at its start
    keeps anyone else from inserting meanwhile."""
    if not count:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor == "sqlite":
            cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{table}"')  # noqa: S608
            first = cursor.fetchone()[0] + 1
            return list(range(first, first + count))
    raise NotImplementedError(f"no key allocation for {connection.vendor}")


def _link_bids(rows: Rows) -> None:
    """Give the batch's bids their keys, then point the awards and the reviews at them."""
    for bid, pk in zip(rows.bids, allocate(Bid, len(rows.bids)), strict=True):
        bid["id"] = pk
    for project, bid in rows.winners:
        project["awarded_bid_id"] = bid["id"]
    for review, bid in rows.reviews:
        review["bid_id"] = bid["id"]


def _insert(model, rows: list[dict]) -> None:
    """Insert rows given as column values by attribute name; a field a row leaves out takes
    the model's default. PostgreSQL gets them through COPY, one stream per table: bulk_create
    spent ~4 s of Python per batch preparing each value (docs/performance.md); elsewhere
    (SQLite: the tests) bulk_create."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in rows], batch_size=INSERT_BATCH)
        return
    given = rows[0].keys()
    fields = [
        f
        for f in model._meta.concrete_fields
        if not f.generated and (f.attname in given or not f.primary_key)
    ]
    names = [f.attname for f in fields]
    defaults = {f.attname: f.get_default() for f in fields}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
        with cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([row.get(name, defaults[name]) for name in names])


def _write(rows: Rows) -> int:
    """Insert a batch table by table (the foreign keys are checked at commit, so the order does
    not matter), with a history row per project as it now stands; then move the resources'
    running totals by the batch's ledger sums, under row locks taken in id order as the
    services take them."""
    for model, batch in (
        (Project, rows.projects),
        (Bid, rows.bids),
        (ProjectFunding, rows.funding),
        (ProjectTransition, rows.transitions),
        (LedgerEntry, rows.ledger),
        (Assignment, rows.assignments),
        (Review, [review for review, _bid in rows.reviews]),
        (SupervisionVisit, rows.visits),
        (ProgressReport, rows.reports),
        (Acceptance, rows.acceptances),
    ):
        _insert(model, batch)
    history = [
        {
            **project,
            "history_date": moment,
            "history_type": "+",
            "history_change_reason": CHANGE_REASON,
            "history_user_id": None,
        }
        for project, moment in zip(rows.projects, rows.history_dates, strict=True)
    ]
    _insert(Project.history.model, history)
    ids = sorted(rows.moves)
    list(FundingResource.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    now = timezone.now()
    for pk in ids:
        commit, release, disburse = rows.moves[pk]
        FundingResource.objects.filter(pk=pk).update(
            committed=F("committed") + (commit - release),
            disbursed=F("disbursed") + disburse,
            updated_at=now,
        )
    return len(rows.projects)


def write_batch(idents: list[Identity], world: World) -> int:
    """Plan and insert the projects of `idents`, in one transaction."""
    with transaction.atomic():
        rows = Rows()
        for ident, pk in zip(idents, allocate(Project, len(idents)), strict=True):
            plan(ident, world, rows, pk)
        _link_bids(rows)
        return _write(rows)


WRITTEN = (
    Project,
    Project.history.model,
    Bid,
    ProjectFunding,
    ProjectTransition,
    LedgerEntry,
    Assignment,
    Review,
    SupervisionVisit,
    ProgressReport,
    Acceptance,
    FundingResource,
)


def _analyze() -> None:
    """Refresh PostgreSQL's statistics, as autovacuum would in a while: VACUUM (ANALYZE) the
    tables just filled and ANALYZE the rest (the city seed's communities and needs have none
    yet). Until then the planner believes the tables small and picks plans that turn a query of
    a second (check_ledger) into minutes and slow the dashboard by half; and without the
    visibility map no index-only scan can skip the table. Inside a transaction (a test),
    ANALYZE only."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in WRITTEN)
    with connection.cursor() as cursor:
        if not connection.in_atomic_block:
            cursor.execute(f"VACUUM (ANALYZE) {tables}")
        cursor.execute("ANALYZE")


def seed_large(
    *,
    projects: int = DEFAULT_PROJECTS,
    year: int,
    log: Callable[[str], None] = print,
    now: datetime | None = None,
) -> dict:
    """Add `projects` projects of the years year−2 … year on top of the seeded city.

    Returns counts: planned, added, resources created and topped up, seconds.
    """
    started = time_.perf_counter()
    years = (year - 2, year - 1, year)
    world = _world(years, now or timezone.now())
    before = {model: model.objects.count() for model in WRITTEN}
    needed: dict[tuple, Decimal] = defaultdict(Decimal)
    of_year: dict[int, array] = {y: array("l") for y in years}
    for index in range(1, projects + 1):
        ident = identity(index, world)
        of_year[ident.year].append(index)
        for key, amount in ident.lines:  # a draft's lines need a resource, not its money
            needed[key] += amount if ident.commits else ZERO
    created, topped = _ensure_resources(world, needed, log)
    log(
        f"large: {projects:,} projects planned over {years[0]}–{years[-1]}; "
        f"resources +{created}, topped up {topped} ({time_.perf_counter() - started:.1f} s)"
    )
    # Year by year, as a platform in use would have written them: a year's projects then fill
    # pages of their own, and reading one year does not read every page of the table.
    added = done = 0
    report = 10 * BATCH  # progress lines every 10 batches
    with dated_by_hand():
        for indexes in of_year.values():
            for first in range(0, len(indexes), BATCH):
                idents = [identity(i, world) for i in indexes[first : first + BATCH]]
                stored = set(
                    Project.objects.filter(code__in=[i.code for i in idents]).values_list(
                        "code", flat=True
                    )
                )
                todo = [i for i in idents if i.code not in stored]
                if todo:
                    added += write_batch(todo, world)
                done += len(idents)
                if done >= report or done == projects:
                    report += 10 * BATCH
                    log(
                        f"  {done:>7,} planned, +{added:,} ({time_.perf_counter() - started:.0f} s)"
                    )
    if added:
        _analyze()
    seconds = time_.perf_counter() - started
    log("large: rows per model (total, +added by this run):")
    for model, count in before.items():
        total = model.objects.count()
        log(f"  {model._meta.label:<40} {total:>9,} (+{total - count:,})")
    log(f"large: +{added:,} projects in {seconds:.1f} s")
    return {
        "planned": projects,
        "added": added,
        "resources_created": created,
        "resources_topped_up": topped,
        "seconds": round(seconds, 1),
    }
