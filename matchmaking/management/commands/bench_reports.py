"""`manage.py bench_reports`: time every report, PDF and XLSX, on a city-scale data set.

The data set is written in bulk into a **transaction that is rolled back at the end**, so the
command leaves the database as it found it and can run on any database — empty, the demo seed
or production — without touching its rows. It lives under a made-up city (code 439900000000,
“基准测试市”, outside any real prefix) with 9 districts, 171 streets and 1,026 communities, and
holds for one year:

- `--needs` needs (default 6,000) spread over every service category, with target groups;
- 500 verified organizations with 1,500 published offerings (service area: their district or
  the whole city), target groups and certified workers counted;
- a community benefit fund per community plus government, charity and enterprise money;
- 3,000 completed projects with awarded bids, supervision visits and progress reports (so the
  ranking has every community, street, district and organization).

Each report goes through `report_request` (as the system) and `report_execute` — the task's
own code, data collection to stored file — with MEDIA_ROOT in a temporary directory. Prints
JSON: per report the seconds, pages (PDF) or rows (XLSX), entries, bytes; and the time the data
set took to write. The issue's target: a city's handbook in under a minute.
"""

import json
import random
import tempfile
import time
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from communities.choices import NeedStatus, RegionLevel
from communities.models import Community, Region, ServiceCategory, ServiceNeed, TargetGroup
from matchmaking.choices import RunStatus
from matchmaking.models import ReportFormat, ReportKind
from matchmaking.reports.services import report_execute, report_request
from orgs import uscc
from orgs.choices import OfferingStatus, OrgType
from orgs.models import ServiceOffering, SocialOrg
from projects.choices import BidStatus, ProjectStatus, ProviderType, ResourceStatus
from projects.models import Bid, FundingResource, ProgressReport, Project, SupervisionVisit

CITY = "439900000000"
SHANGHAI = ZoneInfo("Asia/Shanghai")
TARGET_SECONDS = 60

NEED_PHRASES = (
    "为社区独居老人提供午餐配送和助餐点服务",
    "开展邻里纠纷排查与调解，化解小区矛盾",
    "组织困难家庭结对帮扶和爱心物资募集",
    "举办广场舞、合唱等文体活动，丰富居民生活",
    "为残疾人提供康复训练与社区融合活动",
    "开设四点半课堂，解决双职工家庭接送难题",
    "推动垃圾分类宣传和绿色社区创建",
    "培育居民议事会，引导居民参与社区治理",
    "为青少年和老年人提供心理咨询与危机干预",
    "招募和管理社区志愿者，建立时间银行",
)


class Command(BaseCommand):
    help = "Time each handbook and the ranking (PDF, XLSX) on a city-scale data set; print JSON."

    def add_arguments(self, parser):
        parser.add_argument("--needs", type=int, default=6000)
        parser.add_argument("--year", type=int, default=None, help="Default: this year.")
        parser.add_argument(
            "--kinds", nargs="*", default=list(ReportKind.values), choices=ReportKind.values
        )
        parser.add_argument(
            "--formats",
            nargs="*",
            default=list(ReportFormat.values),
            choices=ReportFormat.values,
        )

    def handle(self, *args, needs, year, kinds, formats, **options):
        year = year or timezone.localdate().year
        result: dict = {"year": year, "target_seconds": TARGET_SECONDS}
        with (
            tempfile.TemporaryDirectory() as media,
            override_settings(MEDIA_ROOT=media),
            transaction.atomic(),
        ):
            started = time.perf_counter()
            result["data_set"] = _data_set(year, needs)
            result["data_set"]["seconds"] = round(time.perf_counter() - started, 2)
            result["reports"] = [_time(kind, fmt, year) for kind in kinds for fmt in formats]
            transaction.set_rollback(True)  # leave the database as it was
        result["all_within_target"] = all(
            r["status"] == RunStatus.DONE and r["seconds"] < TARGET_SECONDS
            for r in result["reports"]
        )
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))


def _time(kind: str, fmt: str, year: int) -> dict:
    report = report_request(actor=None, kind=kind, year=year, within=CITY, fmt=fmt, enqueue=False)
    started = time.perf_counter()
    report = report_execute(report.pk)
    seconds = round(time.perf_counter() - started, 2)
    row = {"kind": kind, "format": fmt, "status": report.status, "seconds": seconds}
    if report.status == RunStatus.DONE:
        summary = report.summary
        row["entries"] = summary["total"]
        row["sections"] = len(summary["sections"])
        row["pages" if fmt == ReportFormat.PDF else "rows"] = summary.get(
            "pages", summary.get("rows")
        )
        row["bytes"] = summary["bytes"]
    else:
        row["error"] = report.error
    return row


def _data_set(year: int, n_needs: int) -> dict:
    rng = random.Random(f"bench_reports:{year}")  # noqa: S311 - benchmark data, not security
    regions_ = [Region(code=CITY, name="基准测试市", level=RegionLevel.CITY)]
    districts, streets, communities = [], [], []
    for d in range(1, 10):
        district = Region(
            code=f"4399{d:02d}000000", name=f"第{d}区", level=RegionLevel.DISTRICT, parent_id=CITY
        )
        districts.append(district)
        for s in range(1, 20):
            street = Region(
                code=f"4399{d:02d}{s:03d}000",
                name=f"第{d}区第{s}街道",
                level=RegionLevel.STREET,
                parent_id=district.code,
            )
            streets.append(street)
            for c in range(1, 7):
                communities.append(
                    Region(
                        code=f"4399{d:02d}{s:03d}{c:03d}",
                        name=f"{d}-{s}-{c}社区",
                        level=RegionLevel.COMMUNITY,
                        parent_id=street.code,
                    )
                )
    Region.objects.bulk_create(regions_ + districts + streets + communities, batch_size=2000)
    community_rows = Community.objects.bulk_create(
        [
            Community(
                region=region,
                name=region.name,
                households=1500,
                residents=4500,
                elderly=800,
                disabled=100,
                staff_total=12,
                staff_certified=5,
                representatives_total=45,
            )
            for region in communities
        ],
        batch_size=2000,
    )
    leaves = list(ServiceCategory.objects.filter(parent__isnull=False))
    groups = list(TargetGroup.objects.all())
    now = timezone.now()

    needs = []
    for n in range(n_needs):
        category = leaves[n % len(leaves)]
        phrase = NEED_PHRASES[rng.randrange(len(NEED_PHRASES))]
        needs.append(
            ServiceNeed(
                community=community_rows[rng.randrange(len(community_rows))],
                title=f"{category.name}项目（{n + 1}号）",
                category=category,
                beneficiaries=rng.randrange(20, 600),
                description=phrase,
                budget=Decimal(rng.randrange(10, 300) * 1000),
                period_start=date(year, rng.randrange(1, 7), 1),
                period_end=date(year, 12, 31),
                status=NeedStatus.PUBLISHED,
                published_at=now,
            )
        )
    needs = ServiceNeed.objects.bulk_create(needs, batch_size=2000)
    through = ServiceNeed.target_groups.through
    through.objects.bulk_create(
        [
            through(serviceneed_id=need.pk, targetgroup_id=group.pk)
            for need in needs
            for group in rng.sample(groups, rng.randrange(1, 3))
        ],
        batch_size=5000,
    )

    orgs = SocialOrg.objects.bulk_create(
        [
            SocialOrg(
                name=f"基准测试市第{n + 1}社会工作服务中心",
                uscc=uscc.make("52", districts[n % 9].code[:6], f"BM{n:06d}"),
                org_type=OrgType.SOCIAL_SERVICE,
                region=districts[n % 9],
                grade=rng.choice(["3A", "4A", "5A", ""]),
                verified=True,
                verified_at=now,
            )
            for n in range(500)
        ],
        batch_size=2000,
    )
    offerings = ServiceOffering.objects.bulk_create(
        [
            ServiceOffering(
                org=orgs[n % len(orgs)],
                title=f"{leaves[n % len(leaves)].name}专业服务{n + 1}",
                category=leaves[n % len(leaves)],
                capacity=rng.randrange(1, 6),
                price_min=Decimal(20000),
                price_max=Decimal(rng.randrange(50, 200) * 1000),
                description=NEED_PHRASES[n % len(NEED_PHRASES)],
                status=OfferingStatus.PUBLISHED,
                published_at=now,
            )
            for n in range(1500)
        ],
        batch_size=2000,
    )
    area = ServiceOffering.service_area.through
    offer_groups = ServiceOffering.target_groups.through
    area.objects.bulk_create(
        [
            area(
                serviceoffering_id=offering.pk,
                region_id=CITY if n % 5 == 0 else offering.org.region_id,
            )
            for n, offering in enumerate(offerings)
        ],
        batch_size=5000,
    )
    offer_groups.objects.bulk_create(
        [
            offer_groups(serviceoffering_id=offering.pk, targetgroup_id=group.pk)
            for offering in offerings
            for group in rng.sample(groups, 2)
        ],
        batch_size=5000,
    )

    resources = [
        FundingResource(
            name=f"{community.name}{year}年惠民项目资金",
            provider_type=ProviderType.COMMUNITY_FUND,
            provider_name="社区惠民项目资金",
            year=year,
            amount=Decimal(200000),
            region_id=community.region_id,
            community=community,
            status=ResourceStatus.PUBLISHED,
            published_at=now,
        )
        for community in community_rows
    ]
    for n, (provider, name) in enumerate(
        [(ProviderType.GOVERNMENT, "民政局"), (ProviderType.CHARITY, "慈善会")] * 9
        + [(ProviderType.ENTERPRISE, "爱心企业")] * 12
    ):
        region = districts[n % 9] if n < 18 else regions_[0]
        resources.append(
            FundingResource(
                name=f"{region.name}{year}年{name}项目资金{n + 1}",
                provider_type=provider,
                provider_name=f"{region.name}{name}",
                year=year,
                amount=Decimal(rng.randrange(5, 50) * 100000),
                region_id=region.code,
                status=ResourceStatus.PUBLISHED,
                published_at=now,
            )
        )
    FundingResource.objects.bulk_create(resources, batch_size=2000)

    closed = datetime(year, 11, 30, 10, 0, tzinfo=SHANGHAI)
    supervisor = get_user_model().objects.create(
        username=f"bench-reports-{time.time_ns()}", display_name="基准督导"
    )
    projects = Project.objects.bulk_create(
        [
            Project(
                code=f"BM{year}{n:06d}",
                title=f"基准项目{n + 1}",
                community=community_rows[n % len(community_rows)],
                category=leaves[n % len(leaves)],
                year=year,
                budget=Decimal(80000),
                period_start=date(year, 3, 1),
                period_end=date(year, 12, 31),
                status=ProjectStatus.COMPLETED,
                acceptance_score=rng.randrange(60, 100),
                final_report_at=closed,
                closed_at=closed,
            )
            for n in range(3000)
        ],
        batch_size=2000,
    )
    bids = Bid.objects.bulk_create(
        [
            Bid(
                project=project,
                org=orgs[rng.randrange(len(orgs))],
                amount=Decimal(75000),
                proposal="方案",
                status=BidStatus.AWARDED,
            )
            for project in projects
        ],
        batch_size=2000,
    )
    for project, bid in zip(projects, bids, strict=True):
        project.awarded_bid = bid
    Project.objects.bulk_update(projects, ["awarded_bid"], batch_size=2000)
    SupervisionVisit.objects.bulk_create(
        [
            SupervisionVisit(
                project=project,
                supervisor=supervisor,
                visited_on=date(year, 6, 1),
                findings="良好",
                rating=rng.randrange(2, 6),
            )
            for project in projects
        ],
        batch_size=2000,
    )
    ProgressReport.objects.bulk_create(
        [
            ProgressReport(
                project=project,
                org_id=bid.org_id,
                period_end=date(year, 6, 30),
                summary="进展顺利",
                beneficiaries_served=rng.randrange(20, 300),
            )
            for project, bid in zip(projects, bids, strict=True)
        ],
        batch_size=2000,
    )
    return {
        "districts": len(districts),
        "streets": len(streets),
        "communities": len(community_rows),
        "needs": len(needs),
        "orgs": len(orgs),
        "offerings": len(offerings),
        "resources": len(resources),
        "projects": len(projects),
    }
