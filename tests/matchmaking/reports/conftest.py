"""A small 天心区 year (2026) for the handbooks and the ranking, and helpers to build reports.

What the 天心区 handbooks of 2026 must list (and what they must leave out) is spelled out in
EXPECTED / EXCLUDED below; every test reads its figures from there.
"""

import io
from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from communities.choices import NeedStatus
from matchmaking.reports import services
from orgs.choices import OfferingStatus
from projects.choices import BidStatus, ProjectStatus, ProviderType, ResourceStatus
from tests import factories as f

YEAR = 2026
SHANGHAI = ZoneInfo("Asia/Shanghai")

# kind → section name → titles of its entries (the 天心区 handbook of 2026).
EXPECTED = {
    "needs_handbook": {
        "居家养老": ["独居老人助餐服务", "失能老人上门探访", "日间照料中心运营"],
        "青少年服务": ["四点半课堂托管服务", "困境儿童保护项目"],
        "心理健康": ["社区心理咨询室建设"],
    },
    "supply_handbook": {
        "居家养老": ["长者助餐配送服务"],
        "青少年服务": ["青少年成长营"],
        "心理健康": ["全市心理援助热线"],
    },
    "resources_handbook": {
        str(ProviderType.GOVERNMENT.label): ["天心区政府购买社区服务项目资金"],
        str(ProviderType.COMMUNITY_FUND.label): ["坡子街社区惠民项目资金"],
        str(ProviderType.CHARITY.label): ["长沙市慈善会社区慈善项目"],
    },
}
# Titles that must not appear in the 天心区 handbooks of 2026.
EXCLUDED = {
    "needs_handbook": ["望月湖社区助餐需求", "草稿中的需求", "上一年度的需求"],
    "supply_handbook": ["岳麓区社区康复服务", "草稿中的服务", "未认证机构的服务"],
    "resources_handbook": ["岳麓区政府购买服务资金", "上一年度的资金", "草稿中的资金"],
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Report files go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _project(community, org, *, score, served=60, rating=4):
    closed = datetime(YEAR, 12, 1, 10, 0, tzinfo=SHANGHAI)
    project = f.ProjectFactory(
        community=community,
        status=ProjectStatus.COMPLETED,
        year=YEAR,
        acceptance_score=score,
        closed_at=closed,
        final_report_at=closed,
    )
    project.awarded_bid = f.BidFactory(project=project, org=org, status=BidStatus.AWARDED)
    project.save(update_fields=["awarded_bid"])
    f.SupervisionVisitFactory(project=project, rating=rating)
    f.ProgressReportFactory(project=project, org=org, beneficiaries_served=served)
    return project


@pytest.fixture
def world(tree, org):
    """Needs, offerings, resources and completed projects of 天心区 (and around it)."""
    pozijie, chengnanlu = tree.pozijie_community, tree.chengnanlu_community
    needs = [
        ("独居老人助餐服务", "elderly_meals", pozijie),
        ("失能老人上门探访", "elderly_home_visits", chengnanlu),
        ("日间照料中心运营", "elderly_day_care", pozijie),
        ("四点半课堂托管服务", "after_school", pozijie),
        ("困境儿童保护项目", "child_protection", chengnanlu),
        ("社区心理咨询室建设", "counselling", tree.xianfeng_community),
    ]
    for title, category, community in needs:
        f.ServiceNeedFactory(
            community=community,
            title=title,
            category=f.category(category),
            target_groups=["elderly", "children"],
        )
    f.ServiceNeedFactory(community=tree.wangyuehu_community, title="望月湖社区助餐需求")
    f.ServiceNeedFactory(community=pozijie, title="草稿中的需求", status=NeedStatus.DRAFT)
    f.ServiceNeedFactory(
        community=pozijie,
        title="上一年度的需求",
        period_start=datetime(YEAR - 1, 3, 1).date(),
        period_end=datetime(YEAR - 1, 12, 31).date(),
    )

    yuelu_org = f.SocialOrgFactory(name="岳麓区心语社会工作服务中心", region=tree.yuelu)
    f.ServiceOfferingFactory(
        org=org, title="长者助餐配送服务", category=f.category("elderly_meals")
    )
    f.ServiceOfferingFactory(
        org=org, title="青少年成长营", category=f.category("youth_development")
    )
    # Registered in 岳麓区, but its service area (the whole city) covers 天心区.
    f.ServiceOfferingFactory(
        org=yuelu_org,
        title="全市心理援助热线",
        category=f.category("counselling"),
        service_area=[f.CITY],
    )
    f.ServiceOfferingFactory(org=yuelu_org, title="岳麓区社区康复服务", service_area=[f.YUELU])
    f.ServiceOfferingFactory(org=org, title="草稿中的服务", status=OfferingStatus.DRAFT)
    f.ServiceOfferingFactory(
        org=f.SocialOrgFactory(unverified=True, region=tree.tianxin), title="未认证机构的服务"
    )

    f.FundingResourceFactory(name="天心区政府购买社区服务项目资金", categories=["elderly_meals"])
    f.FundingResourceFactory(community_fund=True, community=pozijie, name="坡子街社区惠民项目资金")
    f.FundingResourceFactory(
        name="长沙市慈善会社区慈善项目",
        provider_type=ProviderType.CHARITY,
        provider_name="长沙市慈善会",
        region=tree.city,
    )
    f.FundingResourceFactory(name="岳麓区政府购买服务资金", region=tree.yuelu)
    f.FundingResourceFactory(name="上一年度的资金", year=YEAR - 1)
    f.FundingResourceFactory(name="草稿中的资金", status=ResourceStatus.DRAFT, published_at=None)

    other_org = f.SocialOrgFactory(name="天心区康乐养老服务中心", region=tree.tianxin)
    _project(pozijie, org, score=90)
    _project(pozijie, org, score=80)
    _project(chengnanlu, other_org, score=70)
    _project(tree.wangyuehu_community, yuelu_org, score=95)  # 岳麓区: not in 天心区's ranking
    return SimpleNamespace(org=org, other_org=other_org, yuelu_org=yuelu_org)


@pytest.fixture
def build(django_capture_on_commit_callbacks):
    """`build(actor, kind, fmt, within=…)` → the finished Report (built eagerly on commit)."""

    def _build(actor, kind, fmt, *, within=f.TIANXIN, year=YEAR):
        with django_capture_on_commit_callbacks(execute=True):
            report = services.report_request(
                actor=actor, kind=kind, year=year, within=within, fmt=fmt
            )
        report.refresh_from_db()
        return report

    return _build


def pdf_text(data: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def read_file(report) -> bytes:
    with report.file.open("rb") as handle:
        return handle.read()
