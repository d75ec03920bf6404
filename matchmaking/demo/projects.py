"""Projects in every state (项目), walked through the real project services.

Unlike the other stages this one does not bulk-insert: each project is drafted, published, bid
on, reviewed, awarded, supervised, reported on and accepted by the people whose job that is,
through `projects.services`, so the ledger, the transition log and the notifications are what
the platform itself would have written (see walk.py for how time passes).

- 木莲社区 (staff_mulian) has a project in every state, most with 星辰 (org_xingchen) bidding or
  delivering, reviewer_demo and supervisor_demo assigned, and one directed project (暮云小蜜蜂,
  from the article's party-building need), plus two completed projects of the year before.
- Across the city `Scale.projects` more, mostly completed or in progress, and
  `Scale.track_record_projects` completed ones of the year before, so organizations have a
  track record the matching engine reads.
- The actors the demo logins do not cover — a staff member per community, a member per bidding
  organization, a district official per district, a pool of reviewers and supervisors — are
  created as users without a usable password.

Deterministic: what a project is (community, title, money, bidders, scores) comes from a
stream per year and one per project; only its dates (and how many monthly reports fit in
them) depend on the day the seed runs.
Idempotent: a project is recognised by (community, year, title), and a need that already has
a project gets no seeded one; residents' decisions by (community, subject), users by username.
"""

import math
import random
import time as time_
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_DOWN, Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from communities.models import Community, CommunityStaff, Official, ServiceCategory, ServiceNeed
from core import regions
from core.errors import DomainError
from orgs.models import OrgMember, ServiceOffering, SocialOrg, SocialWorker
from projects import services
from projects.choices import ExpertRole, ProjectStatus, ProviderType, ResourceStatus
from projects.models import (
    Expert,
    FundingResource,
    Notification,
    Project,
    ProjectTransition,
    ResidentDecision,
)

from .context import CITY_CODE, SHANGHAI, SeedContext, derived_random
from .offerings import PARENT_WEIGHTS
from .organizations import DATONG, LITTLE_BEES, TIANXIN, XINGCHEN
from .texts import CATEGORY_TEXTS
from .vocabulary import BRANDS, STAFF_POSITIONS
from .walk import BidPlan, Cast, Clock, Plan, Step, Window, place, spread, walk

S = ProjectStatus
MULIAN = "木莲社区"
HUNDRED = Decimal(100)
# States of the year's projects across the city, as weights: most work of the year is done or
# under way; a few projects are at each earlier step or went wrong.
CITY_STATES = {
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
# How a city project is paid for, as weights (the fund may be topped up by the district).
PAYERS = {"fund": 35, "district": 35, "city": 10, "charity": 10, "enterprise": 10}
REVIEWERS, SUPERVISORS = 12, 6  # generated experts beside reviewer_demo and supervisor_demo
EXPERT_AFFILIATIONS = (
    "湖南师范大学社会工作系",
    "长沙民政职业技术学院",
    "中南大学社会学系",
    "长沙市社会工作者协会",
    "湖南省社会组织评估中心",
    "长沙市民政局专家库",
)

# --- texts (data, in Chinese whatever the language of the command) -------------------------

PROPOSALS = (
    "{org}组建项目团队{team}，按照“需求评估—方案设计—服务实施—成效评估”四个阶段推进，"
    "计划服务{n}人，每月开展小组或社区活动不少于{events}场。",
    "依托{org}在本领域的服务经验，项目打造“{brand}”服务品牌，采用个案、小组、社区活动相结合的"
    "方式，链接辖区志愿者和爱心企业资源，预计服务{n}人。",
    "{org}拟派驻社工每周驻点社区{days}天{team}，建立服务对象档案，开展需求调研、专业服务和"
    "志愿者培育，项目结束时形成可复制的服务模式。",
)
REVIEW_COMMENTS = (
    "方案思路清晰，团队配置合理。",
    "需求分析到位，预算编制较细。",
    "服务内容与社区需求契合度较高，建议细化成效指标。",
    "机构同类项目经验丰富，执行保障较好。",
    "团队经验尚浅，方案可操作性一般。",
)
REPORTS = (
    "本期开展主题活动{events}场，入户走访{homes}户，累计服务{served}人次；新建服务对象档案{files}份。",
    "本期完成需求评估，开展小组活动{events}场、社区活动{big}场，累计服务{served}人次，"
    "招募培训志愿者{volunteers}名。",
    "本期重点跟进个案{cases}个，开展主题活动{events}场，累计服务{served}人次，抽样满意度{sat}%。",
)
FINDINGS = {
    5: (
        "服务记录完整规范，活动开展扎实，居民反馈积极，社工专业方法运用得当。",
        "项目团队稳定，个案跟进细致，志愿者队伍已能独立开展活动。",
    ),
    4: (
        "服务按计划推进，台账基本齐全；建议加强活动后的成效评估和记录。",
        "团队分工明确，服务对象覆盖面较好；个别活动签到记录不全，已现场指导补充。",
    ),
    3: ("服务进度略滞后于计划，部分活动形式单一，建议调整排期并增加入户频次。",),
}
FINAL_REPORT = (
    "项目周期内共开展各类活动{events}场，服务{served}人次，建立服务档案{files}份，"
    "培育社区志愿者{volunteers}名，居民满意度{sat}%。项目资料已整理归档，申请验收。"
)
RECTIFIED_REPORT = (
    "已按验收意见完成整改：补齐活动签到和影像记录，追加开展入户服务{events}场，"
    "累计服务{served}人次。整改材料一并提交，申请重新验收。"
)
PASS_COMMENTS = (
    "服务目标全部完成，资金使用规范，档案资料齐全，同意通过验收。",
    "项目成效明显，居民满意度高，同意通过验收，建议作为优秀项目推广。",
    "主要指标完成，资料基本齐全，同意通过验收；建议加强服务的持续性。",
)
FAIL_COMMENTS = (
    "服务台账不完整，部分活动缺少签到和影像记录，服务人次未达到合同约定，"
    "请限期整改后重新提交结项报告。"
)
FAIL_FINAL_COMMENTS = "整改后服务人次仍未达到合同约定，验收不通过，未支付资金退回原渠道。"
CANCEL_REASONS = (
    "社区服务场地改造工期延长，项目无法按期实施，经社区与街道协商决定取消。",
    "该需求已纳入区级统一购买服务项目，为避免重复购买，取消本项目。",
    "承接机构因人员变动无法继续履约，经双方协商一致终止项目，剩余资金退回。",
)
DIRECTED_REASON = "定向委托：该组织已在社区运营相关服务，经居民代表会议同意继续承接。"
DECISION_MINUTES = (
    "会议听取了社区居委会关于{year}年惠民项目资金使用方案的说明，与会代表逐项讨论后"
    "举手表决。方案拟安排资金{amount}元，用于购买社会组织专业服务。"
)


# --- the named community's projects, written by hand ------------------------------------------


@dataclass(frozen=True)
class Spec:
    target: str
    title: str  # "" takes the need's title
    code: str
    budget: int
    funding: tuple[tuple[str, int], ...]  # (payer kind, amount)
    bidders: tuple[str, ...] = ()  # organization names; "*" picks one nearby
    winner: int = 0  # index into bidders
    previous_year: bool = False
    need: str | None = None  # category code of the community's need the project comes from
    directed: bool = False
    cancel_from: str | None = None
    start_on: tuple[int, int] | None = None
    pending_reviews: bool = False  # reviewer_demo scored only the first bid


MULIAN_SPECS = (
    Spec(S.DRAFT, "木莲社区长者助餐点运营服务项目", "elderly_meals", 40000, (("fund", 40000),)),
    Spec(
        S.PUBLISHED,
        "木莲社区“四点半课堂”青少年课后托管服务",
        "after_school",
        80000,
        (("fund", 30000), ("district", 50000)),
        (XINGCHEN, "*"),
    ),
    Spec(
        S.REVIEWING,
        "木莲社区独居老人“敲门行动”上门探访项目",
        "elderly_home_visits",
        60000,
        (("charity", 60000),),
        (XINGCHEN, DATONG, "*"),
        pending_reviews=True,
    ),
    Spec(
        S.AWARDED,
        "木莲社区邻里纠纷“和事佬”调解服务",
        "neighbour_mediation",
        50000,
        (("district", 50000),),
        ("*", XINGCHEN),
        winner=1,
    ),
    Spec(
        S.IN_PROGRESS,
        "木莲社区居家养老综合服务项目",
        "elderly_care",
        120000,
        (("city", 120000),),
        (XINGCHEN, DATONG, "*"),
    ),
    Spec(
        S.IN_PROGRESS,
        "",
        "party_units",
        60000,
        (("fund", 60000),),
        (LITTLE_BEES,),
        need="party_units",
        directed=True,
        start_on=(6, 1),
    ),
    Spec(
        S.ACCEPTANCE,
        "木莲社区垃圾分类“绿色账户”宣传督导服务",
        "waste_sorting",
        45000,
        (("district", 45000),),
        (XINGCHEN, "*"),
    ),
    Spec(
        S.RECTIFICATION,
        "木莲社区残疾人“彩虹”康复互助小组",
        "community_rehab",
        70000,
        (("charity", 70000),),
        (DATONG, XINGCHEN),
    ),
    Spec(
        S.COMPLETED,
        "木莲社区“邻里守望”社区营造项目",
        "public_space",
        60000,
        (("fund", 60000),),
        (XINGCHEN, "*"),
    ),
    Spec(
        S.COMPLETED,
        "木莲社区困难家庭“微心愿”帮扶项目",
        "hardship_assistance",
        40000,
        (("enterprise", 40000),),
        ("*", "*"),
    ),
    Spec(
        S.FAILED,
        "木莲社区青年志愿者骨干培育项目",
        "volunteer_management",
        30000,
        (("district", 30000),),
    ),
    Spec(
        S.CANCELLED,
        "木莲社区楼道文化墙共建服务",
        "culture_sports",
        35000,
        (("district", 35000),),
        (XINGCHEN, "*"),
        cancel_from=S.REVIEWING,
    ),
    Spec(
        S.COMPLETED,
        "木莲社区长者助餐服务（{year}年度）",
        "elderly_meals",
        60000,
        (("district", 60000),),
        (XINGCHEN, DATONG),
        previous_year=True,
    ),
    Spec(
        S.COMPLETED,
        "木莲社区“四点半课堂”服务（{year}年度）",
        "after_school",
        50000,
        (("district", 50000),),
        (DATONG, XINGCHEN),
        previous_year=True,
    ),
)
MULIAN_REJECTED = {
    "subject": "关于使用惠民项目资金安装智能快递柜的提议",
    "amount": Decimal(50000),
    "minutes": "多数代表认为快递柜应由物业和企业投入，不宜占用惠民项目资金，提议未获通过。",
}


# --- what the stage reads -----------------------------------------------------------------


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


# --- planning -----------------------------------------------------------------------------


@dataclass
class Planner:
    ctx: SeedContext
    orgs: Orgs
    purses: dict[int, Purse]  # by year
    windows: dict[int, Window]
    officials: dict[str, str]  # district prefix → username
    reviewers: list[str]
    supervisors: list[str]
    people: dict[str, tuple] = field(default_factory=dict)  # username → what to make of it
    titles: set[tuple[int, int, str]] = field(default_factory=set)
    needs_taken: set[int] = field(default_factory=set)

    # --- who ---------------------------------------------------------------------------

    def staff(self, community: Community) -> str:
        if community.name == MULIAN and community.region_id.startswith(TIANXIN[:6]):
            return "staff_mulian"
        username = f"staff_{community.region_id}"
        self.people[username] = ("staff", community)
        return username

    def member(self, org: SocialOrg) -> str:
        if org.name == XINGCHEN:
            return "org_xingchen"
        username = f"org_{org.uscc}"
        self.people[username] = ("member", org)
        return username

    def official(self, community: Community, funding) -> str:
        """The city bureau checks what city money pays for; the district the rest."""
        if any(r.region_id == CITY_CODE for r, _ in funding):
            return "official_city"
        prefix = community.region_id[:6]
        if prefix == TIANXIN[:6]:
            return "official_tianxin"
        username = self.officials[prefix]
        self.people[username] = ("official", prefix.ljust(12, "0"))
        return username

    # --- what ------------------------------------------------------------------------------

    def bids(
        self, r: random.Random, community, category, budget, names: list[str], count: int = 0
    ) -> list[BidPlan]:
        fitting, local = self.orgs.near(community, category)
        chosen: list[SocialOrg] = []
        for name in names or ["*"] * count:
            if name != "*":
                org = self.orgs.by_name.get(name)
            else:
                pool = [o for o in fitting if o not in chosen and o.name != XINGCHEN]
                pool = pool or [o for o in local if o not in chosen and o.name != XINGCHEN]
                org = r.choice(pool) if pool else None
            if org is not None and org not in chosen:
                chosen.append(org)
        bids = []
        for org in chosen:
            workers = self.orgs.workers.get(org.pk, [])
            team = sorted(r.sample(workers, min(len(workers), r.randint(1, 3))))
            values = {
                "org": org.name,
                "team": f"（持证社工{len(team)}名）" if team else "",
                "n": r.randint(40, 400),
                "events": r.randint(2, 6),
                "brand": r.choice(BRANDS),
                "days": r.randint(2, 5),
            }
            bids.append(
                BidPlan(
                    org_id=org.pk,
                    member=self.member(org),
                    amount=_round(budget * Decimal(r.uniform(0.86, 1.0))),
                    team=team,
                    proposal=r.choice(PROPOSALS).format(**values),
                    quality=r.randint(62, 90),
                )
            )
        return bids

    def experts(self, r: random.Random, demo: bool, count: int = 2) -> tuple[list[str], list[str]]:
        reviewers = r.sample(self.reviewers[1:], count)
        if demo:
            reviewers[0] = self.reviewers[0]
        supervisor = self.supervisors[0] if demo else r.choice(self.supervisors[1:])
        return reviewers, [supervisor]

    def title_free(self, community: Community, year: int, title: str) -> bool:
        key = (community.pk, year, title)
        if key in self.titles:
            return False
        self.titles.add(key)
        return True


def _lifecycle(
    planner: Planner,
    plan: Plan,
    r: random.Random,
    d: random.Random,
    *,
    winner: int = 0,
    cancel_from: str | None = None,
    fail_final: bool = False,
    pending_for: str | None = None,
    start_on: tuple[int, int] | None = None,
) -> None:
    """Lay out the project's steps up to its target state and place them in time.

    The steps up to the one that entered the current state form a chain with gaps in days;
    that last step (the anchor) lands recently for a state that does not last (open for bids,
    under review, awaiting acceptance…) and anywhere in the year for one that does; what keeps
    happening in the current state (bids coming in, reviews, reports and visits) follows it up
    to the horizon. Content comes from `r`, time from `d`.
    """
    window = planner.windows[plan.year]
    order = [S.DRAFT, S.PUBLISHED, S.REVIEWING, S.AWARDED, S.IN_PROGRESS, S.ACCEPTANCE]
    target = plan.target
    reach = cancel_from or {S.COMPLETED: S.ACCEPTANCE, S.RECTIFICATION: S.ACCEPTANCE}.get(
        target, target
    )
    if target == S.FAILED:
        reach = S.ACCEPTANCE if fail_final else S.PUBLISHED

    def upto(state: str) -> bool:
        return order.index(reach) >= order.index(state)

    chain = [Step("create")]
    tail: list[Step] = []
    scores = _scores(r, plan.bids, winner)
    bid_steps = [Step("bid", data={"bid": i}) for i in range(len(plan.bids))]
    if upto(S.PUBLISHED):
        chain.append(Step("publish", d.uniform(3, 12)))
        if target == S.PUBLISHED:
            tail += bid_steps
        else:
            window_days = d.uniform(14, 25)
            offsets = sorted(d.uniform(0.5, window_days - 1) for _ in bid_steps)
            previous = 0.0
            for step, offset in zip(bid_steps, offsets, strict=True):
                step.gap, previous = offset - previous, offset
                chain.append(step)
            if cancel_from != S.PUBLISHED:  # cancelled while open: no closing
                early = plan.directed_org_id is not None
                gap = d.uniform(0.2, 2) if early else window_days - previous
                chain.append(Step("close", gap, {"early": early}))
    reviews = [
        Step("review", d.uniform(0.3, 3), {"reviewer": u, "bid": i, **scores[u][i]})
        for u in plan.reviewers
        for i in range(len(plan.bids))
    ]
    if plan.bids and upto(S.REVIEWING):
        if target == S.REVIEWING:
            # Some scores are still to come: `pending_for` has scored only the first bid.
            def done(step: Step) -> bool:
                if pending_for:
                    return step.data["reviewer"] != pending_for or step.data["bid"] == 0
                return r.random() < 0.6

            tail += [s for s in reviews if done(s)]
        elif upto(S.AWARDED) or cancel_from:
            chain += reviews if upto(S.AWARDED) else reviews[: len(reviews) // 2]
    delivery_days = d.uniform(60, 150)
    if plan.bids and upto(S.AWARDED):
        reason = DIRECTED_REASON if plan.directed_org_id and not plan.reviewers else ""
        chain.append(Step("award", d.uniform(1, 5), {"bid": winner, "reason": reason}))
    if plan.bids and upto(S.IN_PROGRESS):
        chain.append(Step("start", d.uniform(2, 10), {"bid": winner}))
        if cancel_from == S.IN_PROGRESS:
            chain += _chained(_delivery(r, d, plan, winner, d.uniform(20, 60), visit=False))
        elif target != S.IN_PROGRESS:  # a running service's delivery follows the anchor
            chain += _chained(_delivery(r, d, plan, winner, delivery_days, visit=True))
    member = plan.bids[winner].member if plan.bids else ""
    served = plan.beneficiaries * r.randint(3, 8)
    report = {
        "events": r.randint(20, 60),
        "served": served,
        "files": r.randint(30, 150),
        "volunteers": r.randint(8, 40),
        "sat": r.randint(91, 99),
    }
    if plan.bids and upto(S.ACCEPTANCE):
        chain.append(
            Step(
                "final",
                d.uniform(0.5, 7),
                {"member": member, "report": FINAL_REPORT.format(**report)},
            )
        )
        if target == S.COMPLETED:
            score = r.randint(78, 97)
            chain.append(Step("accept", d.uniform(5, 20), _pass(r, score)))
        elif target in (S.RECTIFICATION, S.FAILED):
            chain.append(Step("accept", d.uniform(5, 20), _fail(r)))
            if target == S.FAILED:
                chain += _chained(_delivery(r, d, plan, winner, d.uniform(10, 25), visit=False))
                text = RECTIFIED_REPORT.format(events=r.randint(4, 10), served=served)
                chain.append(Step("final", d.uniform(1, 5), {"member": member, "report": text}))
                chain.append(
                    Step(
                        "accept",
                        d.uniform(5, 15),
                        {
                            "result": "fail",
                            "score": r.randint(40, 58),
                            "comments": FAIL_FINAL_COMMENTS,
                        },
                    )
                )
    if cancel_from:
        chain.append(Step("cancel", d.uniform(1, 15), {"reason": r.choice(CANCEL_REASONS)}))

    # Place the chain: the anchor's moment, then everything before it.
    horizon = window.horizon
    total = sum(s.gap for s in chain[1:])
    recent = {
        S.DRAFT: (1, 20),
        S.PUBLISHED: (2, 8),
        S.REVIEWING: (2, 10),
        S.AWARDED: (1, 10),
        S.ACCEPTANCE: (1, 12),
        S.RECTIFICATION: (2, 15),
    }
    if target in recent:
        anchor = horizon - timedelta(days=d.uniform(*recent[target]))
    else:
        latest = horizon - timedelta(days=45 if target == S.IN_PROGRESS else 1)
        first = window.earliest + timedelta(days=total)
        if start_on and datetime(plan.year, *start_on, 9, tzinfo=SHANGHAI) < latest:
            anchor = datetime(plan.year, *start_on, 9, tzinfo=SHANGHAI)
        elif first < latest:
            anchor = first + (latest - first) * d.random()
        else:
            anchor = latest
    place(chain, anchor, window.earliest, d)
    anchor = chain[-1].at
    if target == S.IN_PROGRESS:
        span = (horizon - anchor).total_seconds() / 86400
        for offset, step in _delivery(r, d, plan, winner, span, visit=True):
            step.gap = offset / span
            tail.append(step)
    else:
        for step in tail:
            step.gap = d.uniform(0.05, 0.95)
        tail.sort(key=lambda s: s.gap)
    spread(tail, anchor, horizon, d)
    plan.steps = chain + tail

    # The bid deadline and the planned service period.
    moments = {s.kind: s.at for s in plan.steps}
    if target == S.PUBLISHED:
        day = timezone.localdate(timezone.now(), SHANGHAI) + timedelta(days=d.randint(5, 20))
        plan.deadline = datetime.combine(day, time(17), SHANGHAI)
    elif "close" in moments:
        close = moments["close"]
        early = any(s.kind == "close" and s.data["early"] for s in plan.steps)
        plan.deadline = (
            close + timedelta(days=d.randint(5, 15)) if early else close - timedelta(minutes=2)
        )
    elif "publish" in moments:  # cancelled while open for bids
        plan.deadline = moments["cancel"] + timedelta(days=d.randint(2, 10))
    year_end = date(plan.year, 12, 31)
    if "start" in moments:
        start = timezone.localdate(moments["start"], SHANGHAI)
        if "final" in moments:
            end = timezone.localdate(moments["final"], SHANGHAI)
        else:
            end = max(start + timedelta(days=delivery_days), horizon.date() + timedelta(days=20))
            if year_end > horizon.date():
                end = min(end, year_end)
    else:
        base = plan.deadline or (chain[0].at + timedelta(days=30))
        start = timezone.localdate(base, SHANGHAI) + timedelta(days=d.randint(10, 25))
        end = start + timedelta(days=d.randint(90, 240))
        if year_end >= start + timedelta(days=60):
            end = min(end, year_end)
    plan.period = (start, max(start, end))


def _scores(r: random.Random, bids: list[BidPlan], winner: int) -> "ScoreTable":
    """The reviewers' scores scatter around each bid's quality; the winner's is clearly best,
    so the award needs no written reason."""
    if bids:
        top = r.randint(84, 93)
        for i, bid in enumerate(bids):
            bid.quality = top if i == winner else min(bid.quality, top - r.randint(8, 22))
    return ScoreTable(r, bids)


class ScoreTable(dict):
    """reviewer → bid index → scores and comment, drawn on first use in a fixed order."""

    def __init__(self, r: random.Random, bids: list[BidPlan]):
        super().__init__()
        self.r, self.bids = r, bids

    def __missing__(self, reviewer: str) -> dict[int, dict]:
        row = {}
        for i, bid in enumerate(self.bids):
            scores = tuple(max(0, min(100, bid.quality + self.r.randint(-3, 3))) for _ in range(4))
            row[i] = {"scores": scores, "comments": self.r.choice(REVIEW_COMMENTS)}
        self[reviewer] = row
        return row


def _delivery(r, d, plan: Plan, winner: int, days: float, *, visit: bool):
    """Monthly progress reports and supervision visits over `days` of service, as (offset in
    days, step) in order; with `visit`, at least one visit (acceptance needs one)."""
    member = plan.bids[winner].member
    events: list[tuple[float, Step]] = []
    day = d.uniform(26, 34)
    served = 0
    while day < days:
        served += max(5, plan.beneficiaries * r.randint(40, 120) // 100)
        values = {
            "events": r.randint(3, 10),
            "homes": r.randint(10, 60),
            "served": served,
            "files": r.randint(5, 40),
            "big": r.randint(1, 3),
            "volunteers": r.randint(5, 20),
            "cases": r.randint(3, 12),
            "sat": r.randint(90, 99),
        }
        data = {"member": member, "summary": r.choice(REPORTS).format(**values), "served": served}
        events.append((day, Step("report", data=data)))
        day += d.uniform(27, 33)
    if plan.supervisors:
        day = d.uniform(15, 30)
        while day < days or (visit and not any(s.kind == "visit" for _, s in events)):
            rating = r.choices([5, 4, 3], weights=[35, 50, 15])[0]
            data = {
                "supervisor": plan.supervisors[0],
                "findings": r.choice(FINDINGS[rating]),
                "rating": rating,
            }
            events.append((min(day, days * 0.8), Step("visit", data=data)))
            day += d.uniform(40, 65)
    events.sort(key=lambda e: e[0])
    return events


def _chained(events: list[tuple[float, Step]]) -> list[Step]:
    """Steps at offsets → steps with gaps between them, to extend a chain."""
    previous = 0.0
    for offset, step in events:
        step.gap, previous = offset - previous, offset
    return [step for _, step in events]


def _pass(r: random.Random, score: int) -> dict:
    return {"result": "pass", "score": score, "comments": r.choice(PASS_COMMENTS)}


def _fail(r: random.Random) -> dict:
    return {"result": "fail", "score": r.randint(52, 68), "comments": FAIL_COMMENTS}


def _streams(plan_key: str) -> tuple[random.Random, random.Random]:
    """A project's own streams: one for what it is, one for when things happen."""
    return derived_random(f"projects:{plan_key}"), derived_random(f"projects:{plan_key}:dates")


def _mulian_plans(planner: Planner, mulian: Community, needs: list[ServiceNeed]) -> list[Plan]:
    plans = []
    for spec in MULIAN_SPECS:
        year = planner.ctx.year - 1 if spec.previous_year else planner.ctx.year
        need = None
        if spec.need:
            need = next((n for n in needs if n.category.code == spec.need), None)
            if need is None:  # the article's need was deleted: nothing to build on
                continue
        title = need.title if need else spec.title.format(year=year)
        category = planner.ctx.categories[spec.code]
        r, d = _streams(f"{year}:{mulian.region_id}:{title}")
        if not planner.title_free(mulian, year, title):
            continue
        funding = planner.purses[year].take(spec.funding, mulian, category)
        if funding is None:
            continue
        budget = Decimal(spec.budget)
        bids = planner.bids(r, mulian, category, budget, list(spec.bidders))
        reviewers, supervisors = planner.experts(r, demo=True)
        plan = Plan(
            community=mulian,
            year=year,
            title=title,
            category=category,
            budget=budget,
            target=spec.target,
            funding=funding,
            staff=planner.staff(mulian),
            official=planner.official(mulian, funding),
            reviewers=[] if spec.directed else reviewers,
            supervisors=supervisors,
            need=need,
            description=need.description if need else _describe(r, category, mulian),
            beneficiaries=need.beneficiaries if need else r.randint(40, 300),
            directed_org_id=bids[0].org_id if spec.directed else None,
            decision=_subject(mulian, year) if any(k == "fund" for k, _ in spec.funding) else None,
            bids=bids,
        )
        _lifecycle(
            planner,
            plan,
            r,
            d,
            winner=min(spec.winner, max(len(bids) - 1, 0)),
            cancel_from=spec.cancel_from,
            pending_for=planner.reviewers[0] if spec.pending_reviews else None,
            start_on=spec.start_on,
        )
        plans.append(plan)
    return plans


def _city_plans(
    planner: Planner,
    rng: random.Random,
    communities: list[Community],
    needs: dict[int, list[ServiceNeed]],
    *,
    count: int,
    year: int,
) -> list[Plan]:
    """`count` projects of `year` in random communities (never the named one)."""
    ctx = planner.ctx
    deck = _CategoryPicker(ctx, rng)
    states, weights = list(CITY_STATES), list(CITY_STATES.values())
    payers, payer_weights = list(PAYERS), list(PAYERS.values())
    previous = year < ctx.year
    plans = []
    for _ in range(count):
        # The stage's stream draws the same numbers every time round, whatever is stored.
        community = rng.choice(communities)
        target = S.COMPLETED if previous else rng.choices(states, weights)[0]
        payer = "district" if previous else rng.choices(payers, payer_weights)[0]
        split, pick, code = rng.random(), rng.random(), deck.code()
        free = [n for n in needs.get(community.pk, []) if n.pk not in planner.needs_taken]
        need = None if previous or not free else free[int(pick * len(free))]
        category = need.category if need else ctx.categories[code]
        if need:
            title = need.title
        else:
            title = _template_title(rng, category.code, community)
            if previous:
                title += f"（{year}年度）"
        if not planner.title_free(community, year, title):
            continue
        r, d = _streams(f"{year}:{community.region_id}:{title}")
        budget = need.budget if need else Decimal(r.randrange(20, 151) * 1000)
        lines = [(payer, budget)]
        if payer == "fund" and split < 0.3 and budget >= 40000:
            half = _round(budget / 2, 1000)
            lines = [("fund", half), ("district", budget - half)]
        funding = None
        for option in (lines, [("district", budget)], [("city", budget)], [("charity", budget)]):
            funding = planner.purses[year].take(option, community, category)
            if funding is not None:
                break
        if funding is None:
            continue
        if need:
            planner.needs_taken.add(need.pk)
        fail_final = target == S.FAILED and r.random() < 0.25
        cancel_from = None
        if target == S.CANCELLED:
            cancel_from = r.choice([S.DRAFT, S.PUBLISHED, S.REVIEWING, S.AWARDED, S.IN_PROGRESS])
        no_bids = (target == S.FAILED and not fail_final) or S.DRAFT in (target, cancel_from)
        directed = not no_bids and r.random() < 0.08
        bid_count = 1 if directed else r.choices([1, 2, 3], weights=[35, 45, 20])[0]
        bids = [] if no_bids else planner.bids(r, community, category, budget, [], bid_count)
        if not no_bids and not bids:
            continue
        count = r.choices([1, 2], weights=[60, 40])[0]
        reviewers, supervisors = planner.experts(r, demo=r.random() < 0.1, count=count)
        if directed:
            reviewers = reviewers[:1] if r.random() < 0.5 else []
        plan = Plan(
            community=community,
            year=year,
            title=title,
            category=category,
            budget=budget,
            target=target,
            funding=funding,
            staff=planner.staff(community),
            official=planner.official(community, funding),
            reviewers=reviewers,
            supervisors=supervisors,
            need=need,
            description=need.description if need else _describe(r, category, community),
            beneficiaries=need.beneficiaries if need else r.randint(40, 400),
            directed_org_id=bids[0].org_id if directed else None,
            decision=_subject(community, year)
            if any(r_.community_id for r_, _ in funding)
            else None,
            bids=bids,
        )
        _lifecycle(
            planner,
            plan,
            r,
            d,
            winner=r.randrange(len(bids)) if bids else 0,
            cancel_from=cancel_from,
            fail_final=fail_final,
        )
        plans.append(plan)
    return plans


class _CategoryPicker:
    """A category with a need template, its field drawn by the programme's weights."""

    def __init__(self, ctx: SeedContext, rng: random.Random):
        self.rng = rng
        self.codes: dict[str, list[str]] = defaultdict(list)
        for category in sorted(ctx.categories.values(), key=lambda c: (c.sort_order, c.code)):
            if category.code in CATEGORY_TEXTS:
                parent = ctx.category_codes.get(category.parent_id, category.code)
                self.codes[parent].append(category.code)
        self.parents = [p for p in PARENT_WEIGHTS if p in self.codes]
        self.weights = [PARENT_WEIGHTS[p] for p in self.parents]

    def code(self) -> str:
        parent = self.rng.choices(self.parents, self.weights)[0]
        return self.rng.choice(self.codes[parent])


def _template_title(rng: random.Random, code: str, community: Community) -> str:
    return rng.choice(CATEGORY_TEXTS[code].need_titles).format(**_values(rng, community))


def _values(rng: random.Random, community: Community) -> dict:
    return {
        "community": community.name,
        "brand": rng.choice(BRANDS),
        "n": rng.randint(40, 300),
        "elderly": community.elderly,
        "disabled": community.disabled,
        "households": community.households,
    }


def _describe(rng: random.Random, category: ServiceCategory, community: Community) -> str:
    return CATEGORY_TEXTS[category.code].need_lead.format(**_values(rng, community))


def _subject(community: Community, year: int) -> str:
    return f"{community.name}{year}年惠民项目资金使用方案"


# --- people -------------------------------------------------------------------------------


def _people(ctx: SeedContext, planner: Planner) -> dict:
    """Users for every username the plans name, with their roles; returns username → User.

    The demo logins exist already; the others are made here without a usable password (nobody
    logs in as them) and a name from a Faker seeded by the username."""
    User = get_user_model()
    wanted = dict(sorted(planner.people.items()))
    stored = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    new = []
    for username in wanted:
        if username in stored:
            continue
        ctx.fake.seed_instance(f"projects:person:{username}")
        new.append(
            User(
                username=username,
                display_name=ctx.fake.name(),
                phone=ctx.fake.phone_number(),
                password=make_password(None),
            )
        )
    User.objects.bulk_create(new, batch_size=500)
    demo = ("staff_mulian", "org_xingchen", "official_tianxin", "official_city")
    names = [*wanted, *demo, *planner.reviewers[:1], *planner.supervisors[:1]]
    users = {u.username: u for u in User.objects.filter(username__in=names)}

    rows = defaultdict(list)
    for username, (kind, target) in wanted.items():
        rows[kind].append((users[username].pk, target))
    staff = _missing(
        CommunityStaff, "user_id", "community_id", [(u, c.pk) for u, c in rows["staff"]]
    )
    CommunityStaff.objects.bulk_create(
        CommunityStaff(
            user_id=u,
            community_id=c,
            position=derived_random(f"projects:staff:{u}").choice(STAFF_POSITIONS),
            certified=derived_random(f"projects:staff:{u}:cert").random() < 0.4,
        )
        for u, c in staff
    )
    members = _missing(OrgMember, "user_id", "org_id", [(u, o.pk) for u, o in rows["member"]])
    OrgMember.objects.bulk_create(OrgMember(user_id=u, org_id=o, is_admin=True) for u, o in members)
    officials = _missing(Official, "user_id", "region_id", rows["official"])
    Official.objects.bulk_create(
        Official(user_id=u, region_id=code, title=f"{ctx.region_names[code]}民政局")
        for u, code in officials
    )
    experts = _missing(Expert, "user_id", "role", rows["expert"])
    created = Expert.objects.bulk_create(
        Expert(
            user_id=u,
            role=role,
            region_id=CITY_CODE,
            affiliation=derived_random(f"projects:expert:{u}").choice(EXPERT_AFFILIATIONS),
        )
        for u, role in experts
    )
    fields = sorted(c.pk for c in ctx.categories.values() if c.parent_id is None)
    links = []
    for expert in created:
        rng = derived_random(f"projects:expert:{expert.user_id}:fields")
        links += [(expert.pk, c) for c in rng.sample(fields, rng.randint(1, 3))]
    Expert.fields.through.objects.bulk_create(
        Expert.fields.through(expert_id=e, servicecategory_id=c) for e, c in links
    )
    ctx.log(
        f"project actors: {len(wanted)} planned (+{len(new)} users, +{len(staff)} staff, "
        f"+{len(members)} members, +{len(officials)} officials, +{len(experts)} experts)"
    )
    return users


def _missing(model, first: str, second: str, pairs: list[tuple]) -> list[tuple]:
    """The (first, second) pairs `model` does not hold yet (memberships have no other key)."""
    stored = model.objects.filter(**{f"{first}__in": [a for a, _ in pairs]})
    have = set(stored.values_list(first, second))
    return [pair for pair in pairs if pair not in have]


# --- residents' decisions -----------------------------------------------------------------


@dataclass
class Meeting:
    """A residents' representatives meeting held some days `before` a moment."""

    community: Community
    staff: str  # who records it
    subject: str
    amount: Decimal
    minutes: str
    before: datetime
    passes: bool

    def record(self, users: dict, clock: Clock) -> ResidentDecision:
        r = derived_random(f"projects:decision:{self.community.region_id}:{self.subject}")
        day = timezone.localdate(self.before, SHANGHAI) - timedelta(days=r.randint(3, 12))
        clock.at = datetime.combine(day, time(20, r.randrange(0, 60, 5)), SHANGHAI)
        total = max(self.community.representatives_total, 21)
        attendees = round(total * r.uniform(0.62, 0.9))  # a quorum: more than half attend
        share = r.uniform(0.7, 0.95) if self.passes else r.uniform(0.3, 0.45)
        votes_for = round(attendees * share)
        against = r.randint(0, attendees - votes_for)
        return services.decision_record(
            actor=users[self.staff],
            community=self.community,
            subject=self.subject,
            amount=self.amount,
            meeting_date=day,
            representatives_total=total,
            attendees=attendees,
            votes_for=votes_for,
            votes_against=against,
            abstentions=attendees - votes_for - against,
            minutes=self.minutes,
        )


def _decisions(ctx, plans: list[Plan], users: dict, clock: Clock, horizon: datetime) -> dict:
    """A passed decision per community whose projects draw on its benefit fund, covering all of
    them, taken before the first; plus one the residents of 木莲社区 voted down."""
    fund_plans: dict[tuple[int, str], list[Plan]] = defaultdict(list)
    for plan in plans:
        if plan.decision:
            fund_plans[(plan.community.pk, plan.decision)].append(plan)
    stored = {
        (d.community_id, d.subject): d
        for d in ResidentDecision.objects.filter(
            community_id__in={k[0] for k in fund_plans}
            | {p.community.pk for p in plans if p.community.name == MULIAN}
        )
    }
    wanted: list[Meeting] = []
    for (_, subject), group in fund_plans.items():
        community = group[0].community
        total = sum(a for p in group for r, a in p.funding if r.community_id)
        amount = Decimal(math.ceil(total / 10000) * 10000)
        minutes = DECISION_MINUTES.format(year=group[0].year, amount=f"{amount:,.0f}")
        first = min(p.steps[0].at for p in group)
        wanted.append(Meeting(community, group[0].staff, subject, amount, minutes, first, True))
    mulian = next((p for p in plans if p.community.name == MULIAN), None)
    if mulian is not None:
        spring = datetime(ctx.year, 4, 20, 9, tzinfo=SHANGHAI)
        wanted.append(
            Meeting(
                mulian.community,
                mulian.staff,
                MULIAN_REJECTED["subject"],
                MULIAN_REJECTED["amount"],
                MULIAN_REJECTED["minutes"],
                min(spring, horizon - timedelta(days=1)),
                passes=False,
            )
        )
    added = 0
    for meeting in wanted:
        key = (meeting.community.pk, meeting.subject)
        if key not in stored:
            stored[key] = meeting.record(users, clock)
            added += 1
    ctx.log(f"residents' decisions: {len(wanted)} planned (+{added})")
    return stored


# --- the stage ----------------------------------------------------------------------------


def seed_projects(ctx: SeedContext) -> None:
    started = time_.perf_counter()
    ctx.stream("projects")  # reseeds Faker; every plan draws from a stream of its own
    budgets = _previous_year_budgets(ctx)
    years = (ctx.year, ctx.year - 1)
    resources = (
        FundingResource.objects.filter(year__in=years, status=ResourceStatus.PUBLISHED)
        .prefetch_related("categories")
        .order_by("id")
    )
    by_year = defaultdict(list)
    for resource in resources:
        by_year[resource.year].append(resource)
    now = timezone.now()
    planned_codes = [c.region_id for c in ctx.communities]
    communities = {c.region_id: c for c in Community.objects.filter(region_id__in=planned_codes)}
    ordered = [communities[code] for code in planned_codes if code in communities]
    mulian = next(
        (c for c in ordered if c.name == MULIAN and c.region_id.startswith(TIANXIN[:6])), None
    )
    needs: dict[int, list[ServiceNeed]] = defaultdict(list)
    for need in (
        ServiceNeed.objects.filter(community__in=ordered)
        .exclude(status="draft")
        .select_related("category")
        .order_by("id")
    ):
        needs[need.community_id].append(need)
    planner = Planner(
        ctx=ctx,
        orgs=_orgs(),
        purses={year: Purse(by_year[year]) for year in years},
        windows={year: Window.of(year, now) for year in years},
        officials={d.code[:6]: f"official_{d.code[:6]}" for d in ctx.districts},
        reviewers=["reviewer_demo", *(f"reviewer_{n:02d}" for n in range(1, REVIEWERS + 1))],
        supervisors=[
            "supervisor_demo",
            *(f"supervisor_{n:02d}" for n in range(1, SUPERVISORS + 1)),
        ],
    )
    for role, names in (
        (ExpertRole.REVIEWER, planner.reviewers),
        (ExpertRole.SUPERVISOR, planner.supervisors),
    ):
        for username in names[1:]:
            planner.people[username] = ("expert", role)
    plans = _mulian_plans(planner, mulian, needs.get(mulian.pk, [])) if mulian else []
    others = [c for c in ordered if c is not mulian]
    # A stream per year: asking for more projects (--projects) adds to these, never changes them.
    for year, count in (
        (ctx.year, ctx.scale.projects),
        (ctx.year - 1, ctx.scale.track_record_projects),
    ):
        rng = derived_random(f"projects:city:{year}")
        plans += _city_plans(planner, rng, others, needs, count=count, year=year)

    users = _people(ctx, planner)
    stored = set(
        Project.objects.filter(year__in=years).values_list("community_id", "year", "title")
    )
    used_needs = set(Project.objects.filter(need__isnull=False).values_list("need_id", flat=True))
    todo = [p for p in plans if p.key not in stored and not (p.need and p.need.pk in used_needs)]
    cast = Cast(
        users=users,
        orgs=planner.orgs.by_id,
        workers=SocialWorker.objects.in_bulk(
            sorted({w for p in todo for b in p.bids for w in b.team})
        ),
        decisions={},
    )
    clock = Clock()
    made: list[int] = []
    refused: list[str] = []
    with clock.running():
        cast.decisions = _decisions(ctx, plans, users, clock, planner.windows[ctx.year].horizon)
        for plan in todo:
            try:
                with transaction.atomic():
                    made.append(walk(plan, cast, clock).pk)
            except DomainError as exc:  # e.g. users spent the money in the meantime
                refused.append(f"{plan.title}: {exc.message}")
    _mark_read(made, planner.windows[ctx.year].horizon)
    ctx.log(
        f"projects: {len(plans)} planned (+{len(made)}), +{budgets} budgets of {ctx.year - 1}, "
        f"{time_.perf_counter() - started:.1f} s"
    )
    for line in refused:
        ctx.log(f"  refused: {line}")
    _log_states(ctx, mulian)


def _mark_read(project_ids: list[int], horizon: datetime) -> None:
    """What the project has moved on from, or what is a month old, has been read; what still
    waits for someone (a bid to look at, an acceptance to do) stays unread."""
    last = (
        ProjectTransition.objects.filter(project=OuterRef("project"))
        .order_by("-at")
        .values("at")[:1]
    )
    read = (
        Notification.objects.filter(project_id__in=project_ids, read_at__isnull=True)
        .annotate(last=Subquery(last))
        .filter(Q(created_at__lt=F("last")) | Q(created_at__lt=horizon - timedelta(days=30)))
        .values_list("pk", flat=True)
    )
    Notification.objects.filter(pk__in=list(read)).update(
        read_at=F("created_at") + timedelta(hours=20)
    )


def _log_states(ctx: SeedContext, mulian: Community | None) -> None:
    def line(queryset) -> str:
        counts = Counter(queryset.values_list("status", flat=True))
        return ", ".join(f"{s.value} {counts[s.value]}" for s in S if counts[s.value])

    projects = Project.objects.filter(year=ctx.year)
    if mulian is not None:
        ctx.log(f"  {MULIAN} {ctx.year}: {line(projects.filter(community=mulian))}")
    ctx.log(f"  city {ctx.year}: {line(projects)}")
    ctx.log(f"  city {ctx.year - 1}: {line(Project.objects.filter(year=ctx.year - 1))}")
